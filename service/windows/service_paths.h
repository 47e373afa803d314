#pragma once

// where the windows service keeps its data, and where slotlogd.exe is

#include <filesystem>

namespace slotlog::service_paths {

// %ProgramData%\slotlog: the embedded default's base, the default place of
// slotlogd.json, logs\ under it
std::filesystem::path data_folder();
// the full path of the running slotlogd.exe
std::filesystem::path this_executable();
// creates data_folder() and its logs\ folder; throws std::runtime_error
void create_data_folders();
// gives NT AUTHORITY\LocalService (the service's account) modify rights on
// `folder`, inherited by everything in it; throws std::runtime_error
void grant_service_account(const std::filesystem::path& folder);

} // namespace slotlog::service_paths
