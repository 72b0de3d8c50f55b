// One record set that every encoder's golden payload is made from: every field kind a Record
// can carry (journal and file positions, klog attributes and caller, pid, unit), every
// severity the scale has, and the inputs encoders get wrong: invalid UTF-8, control
// characters and quotes, multi-line messages (a Go panic), a huge attribute, empty fields.
#pragma once

#include <vector>

#include "core/record.h"

namespace kjt {

std::vector<kj::Record> sample_records();

}  // namespace kjt
