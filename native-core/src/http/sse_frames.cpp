#include "http/sse_frames.h"

namespace jobwire::http {

const std::string& SseFrames::frame(const Event& event) {
  Slot& slot = slots_[static_cast<uint64_t>(event.seq) % slots_.size()];
  if (slot.seq != event.seq) {
    slot.seq = event.seq;
    slot.frame = "id: ";
    slot.frame += std::to_string(event.seq);
    slot.frame += "\nevent: ";
    slot.frame += event.type;
    slot.frame += "\ndata: ";
    slot.frame += event.json;  // one line: the envelope has no raw newline
    slot.frame += "\n\n";
  }
  return slot.frame;
}

}  // namespace jobwire::http
