#pragma once

// what the shared client library (libslotlog_client.so) exports: it is built
// with hidden visibility, and SLOTLOG_API marks the client's api, the part of
// proto that client.h declares (slot names, the reading end and its errors,
// the host name) included. the static library and the collector ignore it;
// windows has the static library only, so there is no dllexport to say

#if !defined(_WIN32) && defined(__GNUC__)
#define SLOTLOG_API __attribute__((visibility("default")))
#else
#define SLOTLOG_API
#endif
