// Package browsertest drives Debian's Chromium headless for the browser
// tests of the website and the admin UI: it finds the browser and
// axe-core, starts a tab, runs steps that survive the page redrawing
// itself, and keeps screenshots.
//
// Chromium comes from apt-get (chromium fonts-noto-cjk, installed by
// .ci/run), axe-core from the npm registry into .tools/axe. Without
// them the browser tests are skipped, unless YINLING_TEST_BROWSER=required
// (as .ci/run sets it) makes that a failure. YINLING_TEST_CHROMIUM and
// YINLING_TEST_AXE point at other copies; screenshots go to
// YINLING_TEST_ARTIFACTS (default .artifacts/browser in the repository).
package browsertest
