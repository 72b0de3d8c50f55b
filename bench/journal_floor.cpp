// journal_floor: the least work any sd-journal reader must do to see every byte of every entry.
//
// Usage: journal_floor [--cursor] DIR
//
// It opens the journal files in DIR, walks all entries in order and enumerates every field of
// each, adding up the field sizes. Nothing is formatted or written per entry: the time it takes
// is the floor under journalctl and kjournal (both pay for this walk plus their own output), so
// run_journal_bench.sh reports every other measurement as a multiple of it.
//
// --cursor also takes each entry's cursor, as a reader must that checkpoints (and derives
// record ids from) every entry: the floor under `kjournal agent` (run_agent_bench.py).
//
// Totals go to stderr so that stdout can be sent to /dev/null like the other tools'.

#include <systemd/sd-journal.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int fail(const char* what, int r) {
  std::fprintf(stderr, "journal_floor: %s: %s\n", what, std::strerror(-r));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const bool with_cursor = argc == 3 && std::strcmp(argv[1], "--cursor") == 0;
  if (argc != 2 && !with_cursor) {
    std::fprintf(stderr, "usage: %s [--cursor] DIR\n", argv[0]);
    return 2;
  }
  const char* dir = argv[argc - 1];

  sd_journal* j = nullptr;
  // Flags 0: all journal files of the directory, as `journalctl -D DIR` reads them.
  int r = sd_journal_open_directory(&j, dir, 0);
  if (r < 0) return fail("sd_journal_open_directory", r);

  // The default threshold (64 KiB) truncates large fields; the real readers turn it off,
  // so the floor must too, or it would skip bytes they pay for.
  r = sd_journal_set_data_threshold(j, 0);
  if (r < 0) {
    sd_journal_close(j);
    return fail("sd_journal_set_data_threshold", r);
  }

  // The sums are printed at the end, so the compiler cannot drop the enumeration.
  std::uint64_t entries = 0;
  std::uint64_t fields = 0;
  std::uint64_t bytes = 0;
  std::uint64_t unreadable = 0;
  std::uint64_t cursor_bytes = 0;
  for (;;) {
    r = sd_journal_next(j);
    if (r < 0) {
      sd_journal_close(j);
      return fail("sd_journal_next", r);
    }
    if (r == 0) break;  // end of journal
    ++entries;
    if (with_cursor) {
      char* cursor = nullptr;
      r = sd_journal_get_cursor(j, &cursor);
      if (r < 0) {
        sd_journal_close(j);
        return fail("sd_journal_get_cursor", r);
      }
      cursor_bytes += std::strlen(cursor);
      std::free(cursor);
    }

    // restart_data is a no-op right after next(), but makes the loop correct on its own
    // (enumeration state belongs to the journal, not to the entry).
    sd_journal_restart_data(j);
    const void* data = nullptr;
    size_t len = 0;
    while ((r = sd_journal_enumerate_data(j, &data, &len)) > 0) {
      ++fields;
      bytes += len;
    }
    // A field that cannot be read (e.g. compressed with an algorithm this libsystemd lacks)
    // ends that entry's enumeration; count it rather than abort the whole walk, as a reader
    // of damaged journals would.
    if (r < 0) ++unreadable;
  }
  sd_journal_close(j);

  std::fprintf(stderr,
               "journal_floor: %llu entries, %llu fields, %llu bytes of field data, "
               "%llu entries with unreadable fields, %llu bytes of cursors\n",
               static_cast<unsigned long long>(entries), static_cast<unsigned long long>(fields),
               static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(unreadable),
               static_cast<unsigned long long>(cursor_bytes));
  return 0;
}
