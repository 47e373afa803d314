// an application of the installed client library: sends each argument after
// the slot as one stamped message of app "consumer"
//
//   app SLOT MESSAGE...
//
// exit 0 when every message was taken, 3 on a mailslot_error (no collector,
// ...: the exception crosses the library, shared or not), 2 on bad usage

#include <cstdio>
#include <exception>

#include <slotlog/client.h>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: app SLOT MESSAGE...\n");
        return 2;
    }
    try {
        slotlog::mailslot_writer writer(argv[1]);
        slotlog::message_fields fields;
        fields.level = "warning";
        fields.app = "consumer";
        fields.slot = writer.slot().name;
        for (int i = 2; i < argc; ++i) writer.put(slotlog::make_json_message(argv[i], fields));
    } catch (const slotlog::mailslot_error& e) {
        std::fprintf(stderr, "app: %s\n", e.what());
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "app: unexpected: %s\n", e.what());
        return 1;
    }
    return 0;
}
