/**
 * The backend compatibility kit: {@link org.mobiedit.tck.BackendCompatibilityKit}, an abstract JUnit 5 class a backend
 * vendor extends with one factory method; every check names the {@link org.mobiedit.tck.Rule} it enforces.
 */
@NullMarked
package org.mobiedit.tck;

import org.jspecify.annotations.NullMarked;
