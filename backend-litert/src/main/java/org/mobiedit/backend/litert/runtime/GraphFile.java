package org.mobiedit.backend.litert.runtime;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A written graph on disk, ready for a runtime binding to compile.
 *
 * @param path the TFLite file
 * @param temporary whether the binding removes it once mapped (no graph cache folder): the mapping keeps it readable
 * @param name what identifies the graph's content (kind, bucket, precision, writer version, model hash) when it lies in
 *     the graph cache, so an accelerator may key its own compilation cache on it; null for a temporary file
 */
public record GraphFile(Path path, boolean temporary, @Nullable String name) {}
