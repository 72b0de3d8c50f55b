// `kjournal [OPTIONS]`: read, filter, format. Returns the process exit status.
#pragma once

#include "cli/query_options.h"

namespace kj::cli {

int run_query(const QueryOptions& options);

}  // namespace kj::cli
