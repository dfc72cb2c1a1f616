// Android library module (AAR). Build it with `cargo xtask android`, which first puts the
// native libraries into src/main/jniLibs/<abi>/ (cargo-ndk: arm64-v8a, armeabi-v7a, x86_64,
// profile release-size) and the generated Kotlin into build/generated/source/uniffi/, then
// runs `./gradlew assembleRelease` when a Gradle wrapper is present.
//
// The JVM tests do not use Gradle (Maven Central is unreachable on CI): `cargo xtask
// test-bindings --lang kotlin` compiles src/main/kotlin + src/test/kotlin + the generated code
// with kotlinc. src/androidMain/kotlin holds what names Android classes; the JVM tests compile it
// against src/jvmMain/kotlin, the JVM stand-ins of those classes (android.os.Bundle,
// android.content.Context), which this build never compiles, so the AAR uses the platform
// classes.

plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

android {
    namespace = "com.connectycube"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            manifest.srcFile("src/main/AndroidManifest.xml")
            java.srcDirs(
                "src/main/kotlin",
                "src/androidMain/kotlin",
                // Written by `cargo xtask android` (uniffi-bindgen); never committed.
                layout.buildDirectory.dir("generated/source/uniffi").get().asFile,
            )
            jniLibs.srcDirs("src/main/jniLibs")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    kotlinOptions {
        jvmTarget = "17"
    }
}

dependencies {
    // uniffi's Kotlin calls into the Rust library through JNA; the AAR variant carries
    // libjnidispatch.so for every Android ABI.
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    // `suspend` functions and the `Job` the callback forms return are part of the public API.
    api("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.8.1")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.1")
}
