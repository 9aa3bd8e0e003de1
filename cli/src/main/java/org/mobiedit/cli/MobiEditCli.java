package org.mobiedit.cli;

import java.io.PrintWriter;
import org.mobiedit.api.MobiEditException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mobiedit} command line. */
@Command(
    name = "mobiedit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "On-device knowledge editing for language models (MobiEdit): load, run and edit Qwen2/Llama models.",
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      EditCommand.class,
      AblationCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      TokenizeCommand.class,
      InspectCommand.class,
      BackendsCommand.class,
      SynthesizeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class MobiEditCli implements Runnable {
  /** Exit code for bad input or a failed operation reported with a clear message. */
  static final int EXIT_FAILURE = 1;
  /** Exit code for a command line that could not be parsed. */
  static final int EXIT_USAGE = 2;
  /** Exit code for a bug: an unexpected exception. */
  static final int EXIT_INTERNAL = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'mobiedit --help'.");
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit code (for tests and embedding). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new MobiEditCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof MobiEditException) {
        MobiEditException me = (MobiEditException) ex;
        commandLine.getErr().println("error (" + me.getReason() + "): " + me.getMessage());
        return EXIT_FAILURE;
      }
      commandLine.getErr().println("internal error: " + ex);
      ex.printStackTrace(commandLine.getErr());
      return EXIT_INTERNAL;
    });
    return cli.execute(args);
  }
}
