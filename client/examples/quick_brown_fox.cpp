// the design document's first example, as an application of the client
// library: put "the quick brown fox" word by word to a slot nobody needs to
// know the host of, then STOP.
//
//   quick_brown_fox [SLOT] [--no-stop]      (SLOT defaults to \\*\mailslot\logger)
//
// the broadcast reaches this machine's collector and goes on the network as a
// remote mailslot write; how (transport, ports, destinations) comes from the
// SLOTLOG_* environment variables that writer_options::from_environment reads

#include <iostream>
#include <string>
#include <string_view>

#include <slotlog/client.h>

int main(int argc, char** argv) {
    std::string slot = R"(\\*\mailslot\logger)";
    bool stop = true;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--no-stop") {
            stop = false;
        } else {
            slot = arg;
        }
    }
    try {
        slotlog::mailslot_writer logging_mailslot(slot);
        for (const char* word : {"the", "quick", "brown", "fox"}) logging_mailslot.put(word);
        if (stop) logging_mailslot.put("STOP");
    } catch (const std::exception& e) {
        std::cerr << "quick_brown_fox: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
