package org.mobiedit.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/** backend-cpu with one deliberate defect, for checking that the kit catches it and names the rule. */
enum BrokenBackend {
  /** revertRankOne forgets the handle but leaves the update in place. */
  REVERT_DOES_NOTHING,
  /** Backend.close() throws the second time. */
  CLOSE_TWICE_THROWS,
  /** resume returns logits a little off injectForward's (a cache that drifts). */
  RESUME_DRIFTS;

  BackendProvider provider() {
    BrokenBackend defect = this;
    return new BackendProvider() {
      private final CpuBackendProvider cpu = new CpuBackendProvider();

      @Override
      public String id() {
        return "broken";
      }

      @Override
      public int priority() {
        return -1;
      }

      @Override
      public int spiVersion() {
        return SPI_VERSION;
      }

      @Override
      public Support support() {
        return Support.yes();
      }

      @Override
      public Backend create(BackendConfig config) {
        return defect.wrap(cpu.create(config));
      }
    };
  }

  private Backend wrap(Backend real) {
    AtomicBoolean closed = new AtomicBoolean();
    return proxy(Backend.class, real, (method, args) -> {
      if (method.getName().equals("id")) {
        return "broken";
      }
      if (method.getName().equals("close") && this == CLOSE_TWICE_THROWS && !closed.compareAndSet(false, true)) {
        throw new IllegalStateException("already closed");
      }
      Object out = invoke(method, real, args);
      return method.getName().equals("load") ? wrapModel((BackendModel) out) : out;
    });
  }

  private BackendModel wrapModel(BackendModel real) {
    return proxy(BackendModel.class, real, (method, args) -> {
      if (method.getName().equals("revertRankOne") && this == REVERT_DOES_NOTHING) {
        return null;
      }
      Object out = invoke(method, real, args);
      if (method.getName().equals("resume") && this == RESUME_DRIFTS) {
        ((float[][][][]) out)[0][0][0][3] += 1e-3f;
      }
      return out;
    });
  }

  private interface Handler {
    Object handle(Method method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T real, Handler h) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
      if (method.isDefault() && !method.getDeclaringClass().equals(type)) {
        return invoke(method, real, args);
      }
      return h.handle(method, args);
    }));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
