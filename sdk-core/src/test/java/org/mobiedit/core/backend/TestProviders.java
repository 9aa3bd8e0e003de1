package org.mobiedit.core.backend;

import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/** Providers with scripted behaviour, listed in service files that the tests write. */
final class TestProviders {
  private TestProviders() {}

  abstract static class Base implements BackendProvider {
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
      throw new UnsupportedOperationException("selection tests never create backends");
    }
  }

  public static final class Low extends Base {
    @Override
    public String id() {
      return "low";
    }

    @Override
    public int priority() {
      return 10;
    }
  }

  public static final class High extends Base {
    @Override
    public String id() {
      return "high";
    }

    @Override
    public int priority() {
      return 100;
    }
  }

  /** Below {@link High} except for int8-dynamic, where it ranks above it (a backend with one fast precision). */
  public static final class FastInOnePrecision extends Base {
    @Override
    public String id() {
      return "fast-int8-dynamic";
    }

    @Override
    public int priority() {
      return -10;
    }

    @Override
    public int priority(org.mobiedit.api.Precision precision) {
      return precision == org.mobiedit.api.Precision.INT8_DYNAMIC ? 1000 : priority();
    }
  }

  /** Same priority as {@link High}; loses the tie by id ("high" < "other"). */
  public static final class OtherHigh extends Base {
    @Override
    public String id() {
      return "other";
    }

    @Override
    public int priority() {
      return 100;
    }
  }

  public static final class Broken extends Base {
    public Broken() {
      throw new IllegalStateException("native library libbroken.so missing");
    }

    @Override
    public String id() {
      return "broken";
    }

    @Override
    public int priority() {
      return 1000;
    }
  }

  public static final class Unsupported extends Base {
    @Override
    public String id() {
      return "npu";
    }

    @Override
    public int priority() {
      return 500;
    }

    @Override
    public Support support() {
      return Support.no("no NPU driver on this device");
    }
  }

  public static final class ProbeThrows extends Base {
    @Override
    public String id() {
      return "flaky";
    }

    @Override
    public int priority() {
      return 600;
    }

    @Override
    public Support support() {
      throw new IllegalStateException("probe exploded");
    }
  }

  public static final class OldSpi extends Base {
    @Override
    public String id() {
      return "old";
    }

    @Override
    public int priority() {
      return 700;
    }

    @Override
    public int spiVersion() {
      return 0;
    }
  }

  /** Built against the next major SPI version. */
  public static final class NewerSpi extends Base {
    @Override
    public String id() {
      return "newer";
    }

    @Override
    public int priority() {
      return 800;
    }

    @Override
    public int spiVersion() {
      return SPI_VERSION + 1;
    }
  }

  /** As a provider built when spiVersion() still had a default behaves at run time: the call cannot link. */
  public static final class Undeclared extends Base {
    @Override
    public String id() {
      return "undeclared";
    }

    @Override
    public int priority() {
      return 850;
    }

    @Override
    public int spiVersion() {
      throw new AbstractMethodError("org.mobiedit.spi.BackendProvider.spiVersion()");
    }
  }

  public static final class DuplicateLow extends Base {
    @Override
    public String id() {
      return "low";
    }

    @Override
    public int priority() {
      return 900;
    }
  }
}
