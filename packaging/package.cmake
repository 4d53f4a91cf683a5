# package.cmake — installation (FHS paths, GNUInstallDirs) and the Debian
# packages (CPack DEB, one package per component); docs/ARCHITECTURE.md §9.
#
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-deb -j2
#   (cd build-deb && cpack)            -> tiendo-server_VER_ARCH.deb, tiendo-client_VER_ARCH.deb
#   cmake --install build-deb --prefix /usr [--component server|client]
#
# Components:
#   server  tiendo-server, tiendo-pki, /etc/tiendo/server.conf (a conffile),
#           the systemd unit, the plan text, man pages (8), docs.
#           tiendo-pki goes with the server: the CA officer works at the same
#           Sở KH&CN as the server, its CRL is what the server reads
#           (crl = ...), and an office device must not carry CA tools.
#   client  tiendo, its man page (1), docs.
# Documentation goes to /usr/share/doc/<package> (Debian policy: each
# package owns its own directory, and two packages may not ship one file).
include(GNUInstallDirs)

set(TD_SYSTEMD_UNITDIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" CACHE PATH
    "Where the systemd unit is installed")

install(TARGETS tiendo-server tiendo-pki RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(TARGETS tiendo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client)

install(FILES ${CMAKE_BINARY_DIR}/man/tiendo-server.8 ${CMAKE_BINARY_DIR}/man/tiendo-pki.8
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT server)
install(FILES ${CMAKE_BINARY_DIR}/man/tiendo.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT client)
foreach(comp server client)
  install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/packaging/debian/copyright
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tiendo-${comp} COMPONENT ${comp})
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/data/plans/726-KH-UBND.txt
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tiendo/plans COMPONENT server)
# /etc when the prefix is /usr (GNUInstallDirs special case).
install(FILES ${CMAKE_SOURCE_DIR}/packaging/server.conf
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/tiendo
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT server)
configure_file(${CMAKE_SOURCE_DIR}/packaging/tiendo-server.service.in
               ${CMAKE_BINARY_DIR}/packaging/tiendo-server.service @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/tiendo-server.service
        DESTINATION ${TD_SYSTEMD_UNITDIR} COMPONENT server)

# Maintainer scripts under the names dpkg wants, executable.
foreach(f postinst prerm postrm conffiles)
  file(COPY ${CMAKE_SOURCE_DIR}/packaging/debian/server-${f} DESTINATION ${CMAKE_BINARY_DIR}/packaging/server-control)
  file(RENAME ${CMAKE_BINARY_DIR}/packaging/server-control/server-${f} ${CMAKE_BINARY_DIR}/packaging/server-control/${f})
endforeach()
if(NOT CMAKE_INSTALL_FULL_SYSCONFDIR STREQUAL "/etc")
  # the conffiles list names /etc/tiendo/server.conf
  message(STATUS "packaging: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; configure with "
                 "-DCMAKE_INSTALL_PREFIX=/usr to build Debian packages")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tiendo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Sở Khoa học và Công nghệ")
set(CPACK_PACKAGE_CONTACT "tiendo maintainers <tiendo@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server client)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the ELF files (dpkg-shlibdeps): libuv1, libprotobuf-c1,
# libsqlite3-0, libssl3, libsodium23, libc6 with the versions the binaries
# need.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME tiendo-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "sqlite3")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "tiendo central server and CA tool\n The central server of tiendo (Sở KH&CN): the append-only signed log of the\n plan's progress over mutual TLS 1.3, checkpoints, backups; and tiendo-pki,\n the CA officer's tool. Ships a hardened systemd unit (not enabled).")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/packaging/server-control/postinst;${CMAKE_BINARY_DIR}/packaging/server-control/prerm;${CMAKE_BINARY_DIR}/packaging/server-control/postrm;${CMAKE_BINARY_DIR}/packaging/server-control/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME tiendo-client)
# `tiendo ui` loads libmicrohttpd when it starts (dlopen): dpkg-shlibdeps cannot see it in the ELF file.
set(CPACK_DEBIAN_CLIENT_PACKAGE_DEPENDS "${TD_MHD_DEB}")
set(CPACK_COMPONENT_CLIENT_DESCRIPTION
    "tiendo office client\n The office client of tiendo: an offline SQLite replica of the plan and the\n agency's reports, progress entry, signed sync with the central server,\n audit and certificate renewal.")
include(CPack)
