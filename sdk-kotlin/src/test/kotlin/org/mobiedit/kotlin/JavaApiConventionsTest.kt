package org.mobiedit.kotlin

import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.Future
import java.util.jar.JarFile
import kotlin.io.path.extension
import kotlin.io.path.invariantSeparatorsPathString
import org.assertj.core.api.Assertions.assertThat
import org.jspecify.annotations.NullMarked
import org.junit.jupiter.api.Test
import org.mobiedit.api.EditCall
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditOptions
import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult
import org.mobiedit.api.Editor
import org.mobiedit.api.Generation
import org.mobiedit.api.GenerationOptions
import org.mobiedit.api.MobiEditException

/**
 * Conventions of the Java API (`org.mobiedit.api`) that make it pleasant from Kotlin, checked over every public class
 * of the package as compiled (found by listing the package in its jar or class folder, so new classes are covered).
 */
class JavaApiConventionsTest {

  @Test
  fun `the listing finds the package's public classes`() {
    assertThat(apiClasses).contains(
        Editor::class.java, EditCall::class.java, EditListener::class.java, EditRequest::class.java,
        EditResult::class.java, EditResult.Builder::class.java, EditOptions::class.java,
        EditOptions.Builder::class.java, GenerationOptions::class.java, Generation::class.java,
        MobiEditException::class.java, MobiEditException.Reason::class.java)
    assertThat(apiClasses).allMatch { Modifier.isPublic(it.modifiers) && it.packageName == API_PACKAGE }
  }

  /**
   * Kotlin turns `getX()`/`isX()` into properties (`result.steps`, `result.isSuccess`); a record-style accessor
   * (`steps()`) stays a call. The rule covers the value classes: public final top-level classes that are not enums or
   * exceptions (their builders are nested and fluent by design). Every public zero-argument instance method that
   * returns something must be a getter, except conversions named `toX` (`toBuilder`, `toString`) and `hashCode`,
   * which keep the names of `java.lang.Object` and the Kotlin convention for conversions.
   */
  @Test
  fun `the value classes expose their state through get and is getters`() {
    val valueClasses = apiClasses.filter {
      !it.isInterface && !it.isEnum && !it.isMemberClass && Modifier.isFinal(it.modifiers) &&
          !Throwable::class.java.isAssignableFrom(it)
    }
    assertThat(valueClasses).contains(
        EditResult::class.java, EditRequest::class.java, EditOptions::class.java, GenerationOptions::class.java,
        Generation::class.java)

    assertThat(valueClasses.flatMap(::accessorsThatAreNotGetters)).isEmpty()
  }

  @Test
  fun `the package is NullMarked, so Kotlin sees its nullness`() {
    val marked = EditRequest::class.java.`package`.getAnnotation(NullMarked::class.java)

    assertThat(marked).isNotNull()
  }

  @Test
  fun `editor and call are interfaces and the listener is an open class with open hooks`() {
    assertThat(Editor::class.java.isInterface).isTrue()
    assertThat(EditCall::class.java.isInterface).isTrue()

    val listener = EditListener::class.java
    assertThat(listener.isInterface).isFalse()
    assertThat(Modifier.isAbstract(listener.modifiers)).isTrue()
    assertThat(Modifier.isFinal(listener.modifiers)).isFalse()
    assertThat(listener.constructors).anyMatch { Modifier.isPublic(it.modifiers) && it.parameterCount == 0 }
    val hooks = publicMethods(listener).filter { !Modifier.isStatic(it.modifiers) }
    assertThat(hooks.map { it.name })
        .containsExactlyInAnyOrder("onStart", "onPrefixCacheBuilt", "onStep", "onEarlyStopCheck", "onFinish")
    // every hook can be overridden alone: none is final, none is abstract
    assertThat(hooks).allMatch { !Modifier.isFinal(it.modifiers) && !Modifier.isAbstract(it.modifiers) }
  }

  @Test
  fun `no public method returns a future - asynchrony is left to the caller, coroutines here`() {
    assertThat(apiClasses.flatMap(::methodsReturningFutures)).isEmpty()
  }

  @Test
  fun `the checks flag record-style accessors and futures`() {
    assertThat(accessorsThatAreNotGetters(RecordStyle::class.java))
        .containsExactlyInAnyOrder("RecordStyle.steps()", "RecordStyle.later()")
    assertThat(methodsReturningFutures(RecordStyle::class.java)).containsExactly("RecordStyle.later: CompletableFuture")
  }

  /** What the checks must reject: a record-style accessor and an asynchronous result. */
  @Suppress("unused")
  class RecordStyle {
    fun steps(): Int = 3

    fun getLayer(): Int = 1

    fun isSuccess(): Boolean = true

    fun toBuilder(): StringBuilder = StringBuilder()

    fun later(): CompletableFuture<Int> = CompletableFuture.completedFuture(1)
  }

  private companion object {
    const val API_PACKAGE = "org.mobiedit.api"
    val GETTER = Regex("(get|is)[A-Z].*")
    val CONVERSION = Regex("to[A-Z].*")
    val FUTURE_TYPES = listOf(Future::class.java, CompletionStage::class.java)

    /** The public classes of the API package, nested ones included, as compiled. */
    val apiClasses: List<Class<*>> by lazy {
      val root = Path.of(Editor::class.java.protectionDomain.codeSource.location.toURI())
      val folder = API_PACKAGE.replace('.', '/')
      val classFiles: List<String> = if (Files.isDirectory(root)) {
        Files.walk(root.resolve(folder)).use { paths ->
          paths.filter { it.extension == "class" }.map { root.relativize(it).invariantSeparatorsPathString }.toList()
        }
      } else {
        JarFile(root.toFile()).use { jar ->
          jar.entries().asSequence().map { it.name }.filter { it.endsWith(".class") }.toList()
        }
      }
      classFiles
          .filter { it.startsWith("$folder/") && it.indexOf('/', folder.length + 1) < 0 }
          .filterNot { it.endsWith("package-info.class") }
          .map { Class.forName(it.removeSuffix(".class").replace('/', '.')) }
          .filter { Modifier.isPublic(it.modifiers) }
          .sortedBy { it.name }
    }

    /** Public zero-argument instance methods with a result that are neither getters nor conversions. */
    fun accessorsThatAreNotGetters(type: Class<*>): List<String> =
        publicMethods(type)
            .filter { !Modifier.isStatic(it.modifiers) && it.parameterCount == 0 && it.returnType != Void.TYPE }
            .filterNot { GETTER.matches(it.name) || CONVERSION.matches(it.name) || it.name == "hashCode" }
            .map { "${type.simpleName}.${it.name}()" }

    /** Public methods that hand back a [Future] or a [CompletionStage]. */
    fun methodsReturningFutures(type: Class<*>): List<String> =
        publicMethods(type)
            .filter { m -> FUTURE_TYPES.any { it.isAssignableFrom(m.returnType) } }
            .map { "${type.simpleName}.${it.name}: ${it.returnType.simpleName}" }

    /** Public methods a class declares itself (not synthetic bridges). */
    fun publicMethods(type: Class<*>): List<Method> =
        type.declaredMethods.filter { Modifier.isPublic(it.modifiers) && !it.isSynthetic && !it.isBridge }
  }
}
