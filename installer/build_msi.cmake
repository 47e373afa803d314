# builds the slotlog msi with wixl, then adds what wixl 0.101 cannot express.
# cmake -DVERSION=X.Y.Z -DBIN_DIR=<folder of slotlogd.exe, slotlog.exe> -DOUTPUT=<file.msi> -P build_msi.cmake
# (the build's msi target, and the upgrade test for a second version)
foreach(var VERSION BIN_DIR OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_msi.cmake: -D${var}= is missing")
  endif()
endforeach()
find_program(WIXL wixl REQUIRED)
find_program(MSIBUILD msibuild REQUIRED)
set(source_dir ${CMAKE_CURRENT_LIST_DIR})
# fixed for every version: what major upgrades find each other by
set(upgrade_code "{6F0C2F4E-5B1D-4C8A-9E3A-5D1A7C2B9E41}")
# with -DSTRIP=<strip>, the package gets stripped copies: the build keeps its
# debug information, administrators get small executables
if(DEFINED STRIP AND NOT STRIP STREQUAL "")
  set(stage ${OUTPUT}.files)
  file(REMOVE_RECURSE ${stage})
  file(MAKE_DIRECTORY ${stage})
  foreach(exe slotlogd.exe slotlog.exe)
    execute_process(COMMAND ${STRIP} -o ${stage}/${exe} ${BIN_DIR}/${exe} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "stripping ${exe} failed (${rc})")
    endif()
  endforeach()
  set(BIN_DIR ${stage})
endif()

# wixl takes only relative source paths: run it in BIN_DIR
file(RELATIVE_PATH rel_source ${BIN_DIR} ${source_dir})
if(rel_source STREQUAL "")
  set(rel_source .)
endif()
file(REMOVE ${OUTPUT})
execute_process(
  COMMAND ${WIXL} -a x64 -D Version=${VERSION} -D UpgradeCode=${upgrade_code} -D BinDir=. -D SourceDir=${rel_source}
          -o ${OUTPUT} ${source_dir}/slotlog.wxs
  WORKING_DIRECTORY ${BIN_DIR}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wixl failed (${rc})")
endif()

# wixl has no Environment element: the install folder goes last on the
# system PATH (=- set on install, removed on uninstall; * system)
# it has no MajorUpgrade/@AllowSameVersionUpgrades: a rebuild of the same
# version (a new ProductCode) replaces the installed one (VersionMaxInclusive,
# 512) instead of installing beside it.
# and it ignores MajorUpgrade/@Schedule: the old product goes right after
# InstallValidate, before the new one is installed, so its uninstall (stop,
# delete the service) cannot hit the new service
function(msi_query query)
  execute_process(COMMAND ${MSIBUILD} ${OUTPUT} -q "${query}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE ${OUTPUT})
    message(FATAL_ERROR "msibuild failed (${rc}): ${query}")
  endif()
endfunction()
msi_query("CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)")
msi_query("INSERT INTO `Environment` (`Environment`, `Name`, `Value`, `Component_`) VALUES ('SystemPath', '=-*PATH', '[~];[INSTALLDIR]', 'Binaries')")
msi_query("DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'")
msi_query("INSERT INTO `Upgrade` (`UpgradeCode`, `VersionMax`, `Attributes`, `ActionProperty`) VALUES ('${upgrade_code}', '${VERSION}', 513, 'WIX_UPGRADE_DETECTED')")
msi_query("UPDATE `InstallExecuteSequence` SET `Sequence` = 1401 WHERE `Action` = 'RemoveExistingProducts'")
