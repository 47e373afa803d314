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
# wixl takes only relative source paths: run it in BIN_DIR
file(RELATIVE_PATH rel_source ${BIN_DIR} ${source_dir})
if(rel_source STREQUAL "")
  set(rel_source .)
endif()
file(REMOVE ${OUTPUT})
execute_process(
  COMMAND ${WIXL} -a x64 -D Version=${VERSION} -D BinDir=. -D SourceDir=${rel_source}
          -o ${OUTPUT} ${source_dir}/slotlog.wxs
  WORKING_DIRECTORY ${BIN_DIR}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wixl failed (${rc})")
endif()

# wixl has no Environment element: the install folder goes last on the
# system PATH (=- set on install, removed on uninstall; * system)
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
msi_query("UPDATE `InstallExecuteSequence` SET `Sequence` = 1401 WHERE `Action` = 'RemoveExistingProducts'")
