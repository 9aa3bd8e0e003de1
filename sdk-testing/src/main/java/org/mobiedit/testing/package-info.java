/**
 * Test doubles for apps that use the MobiEdit SDK: a scripted fake backend that the SDK selects automatically when
 * this artifact is on the test class path ({@link org.mobiedit.testing.FakeBackend}), and a JUnit 5 extension that
 * gives each test a fresh script ({@link org.mobiedit.testing.FakeBackendExtension}).
 */
@NullMarked
package org.mobiedit.testing;

import org.jspecify.annotations.NullMarked;
