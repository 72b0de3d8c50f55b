# Installation layout and the Debian package.
#
#   cmake --install BUILD --prefix /usr        # /usr/bin/kjournal, /usr/lib/systemd/system,
#                                              # /etc/kjournal/agent.yaml, /usr/share/doc
#   (cd BUILD && cpack -G DEB)                 # kjournal_<version>_amd64.deb
#
# The binary's install rule lives in cli/CMakeLists.txt.

# Installing (and cpack) needs only what is installed, not the tests and benchmarks that
# `all` builds: build the kjournal target first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# The unit's ExecStart names /usr/bin/kjournal: install with --prefix /usr for systemd, or
# override ExecStart in a drop-in.
set(KJ_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "systemd unit directory, relative to the install prefix")
install(FILES unit/kjournal-agent.service DESTINATION ${KJ_SYSTEMD_UNIT_DIR})

# The configuration belongs in /etc for a /usr install (and in the package), and in
# PREFIX/etc for any other prefix, so `cmake --install --prefix /opt/x` never writes to the
# host's /etc. Decided at install time because --prefix can change the prefix then.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(_kj_etc \"/etc/kjournal\")
  else()
    set(_kj_etc \"\${CMAKE_INSTALL_PREFIX}/etc/kjournal\")
  endif()
  file(INSTALL DESTINATION \"\${_kj_etc}\" TYPE FILE
       FILES \"${PROJECT_SOURCE_DIR}/config/agent.yaml\")
")

install(FILES README.md DESTINATION share/doc/kjournal)
install(DIRECTORY docs/ DESTINATION share/doc/kjournal/docs FILES_MATCHING PATTERN "*.md")
install(DIRECTORY config/kubernetes DESTINATION share/doc/kjournal/examples)

# --- CPack: one Debian package
set(CPACK_PACKAGE_NAME kjournal)
set(CPACK_PACKAGE_VENDOR "kjournal")
set(CPACK_PACKAGE_CONTACT "kjournal maintainers <kjournal@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Kubernetes node log CLI and agent for the journal and component log files")
set(CPACK_PACKAGE_DESCRIPTION
    "kjournal reads kubelet's and the container runtime's journal entries and the klog\n\
files of the control plane, normalizes their severity and structure, and shows them as one\n\
timeline (kjournal) or ships them to ClickHouse, Loki, Elasticsearch, OTLP or\n\
systemd-journal-remote (kjournal agent, systemd unit kjournal-agent.service).")
set(CPACK_GENERATOR DEB)
# Install with DESTDIR and the real prefix, so the /etc rule above sees /usr.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # kjournal_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the libraries the binary links (libsystemd0, libpoco*, libyaml-cpp, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Added to those: systemd 252 writes compact journal files by default, which an older
# libsystemd skips without an error.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libsystemd0 (>= 252)")
# The unit needs systemd; the CLI alone does not.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/deb/conffiles;${PROJECT_SOURCE_DIR}/packaging/deb/postinst;${PROJECT_SOURCE_DIR}/packaging/deb/prerm;${PROJECT_SOURCE_DIR}/packaging/deb/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
