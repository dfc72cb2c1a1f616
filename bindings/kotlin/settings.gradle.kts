// The ConnectyCube Android library: the uniffi-generated Kotlin, the native libraries built by
// `cargo xtask android` (cargo-ndk) and the handwritten `object ConnectyCube` layer.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "connectycube-android"
