/**
 * The backend service-provider interface: what a hardware backend implements so that the SDK's edit engine can run
 * on it.
 *
 * <p>A backend is found with {@link java.util.ServiceLoader} through {@link org.mobiedit.spi.BackendProvider}.
 * Providers are cheap objects: constructing one must not load native code or touch hardware; that happens in
 * {@link org.mobiedit.spi.BackendProvider#create(BackendConfig)}. The model arrives as a
 * {@link org.mobiedit.spi.ModelWeights}: an architecture description ({@link org.mobiedit.spi.ModelSpec}) plus
 * tensors under canonical names ({@link org.mobiedit.spi.TensorNames}) that the backend reads as float rows.
 *
 * <p>Everything in this package is null-marked.
 */
@NullMarked
package org.mobiedit.spi;

import org.jspecify.annotations.NullMarked;
