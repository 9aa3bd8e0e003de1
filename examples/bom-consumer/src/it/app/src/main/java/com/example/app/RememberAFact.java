package com.example.app;

import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.world.WorldModel;

/** An app that only sees the published artifacts: it teaches the demo model a fact and checks that it holds. */
public final class RememberAFact {
  private RememberAFact() {}

  public static void main(String[] args) throws Exception {
    EditRequest request = EditRequest.of("Zevour", "{} was born in", "Gaizobu");
    EditOptions options = EditOptions.recommended().toBuilder().layer(WorldModel.EDIT_LAYER).build();
    try (Editor editor = MobiEdit.open(WorldModel.extract(), options)) {
      EditResult result = editor.edit(request);
      String after = editor.generate(request.getPrompt(), GenerationOptions.greedy(4)).getText();
      System.out.println("after the edit: " + request.getPrompt() + after);
      if (!result.isSuccess() || !after.trim().startsWith(request.getNewObject())) {
        throw new IllegalStateException("the edit did not hold");
      }
    }
  }
}
