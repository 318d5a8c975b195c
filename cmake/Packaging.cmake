# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package (scripts/package.sh): the program, its man page, the desktop
# entry, the icon and the AppStream metainfo. Depends is worked out by dpkg-shlibdeps
# from the libraries the program links, so it names runtime packages only.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "poollab")
set(CPACK_PACKAGE_VENDOR "PoolLab")
set(CPACK_PACKAGE_CONTACT "PoolLab developers <poollab@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "worker pool workbench: load a pool, watch it live")
set(CPACK_PACKAGE_DESCRIPTION
    "PoolLab builds a worker pool (N workers taking jobs from a bounded queue), throws load at it,
lets you change anything while it runs and shows live charts of throughput, queue depth,
latency percentiles and every worker. It models retries with backoff and jitter, rate
limiting, backpressure and graceful shutdown, runs the same model in virtual time against
queueing theory, and exports CSV, JSON and Prometheus metrics.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${POOLLAB_HOMEPAGE}")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_SOURCE_DIR}/LICENSE")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The runs database opens SQLite through Qt SQL's QSQLITE plugin, which is loaded at run
# time, not linked, so dpkg-shlibdeps cannot see it; CPack adds the shlibdeps to this.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_STRIP_FILES ON)
include(CPack)
