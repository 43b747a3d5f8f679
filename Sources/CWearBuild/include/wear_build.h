#ifndef WEAR_BUILD_H
#define WEAR_BUILD_H
// What the build knows about itself, stamped by Package.swift from the
// environment (the Makefile sets WEAR_GIT_COMMIT from `git rev-parse`).

/// The git commit the binary was built from (7 hex digits, "-dirty" when
/// the tree had changes), or "unknown" (a build outside git, or plain
/// `swift build` without WEAR_GIT_COMMIT). A static string; never freed.
const char *wear_build_commit(void);

#endif
