#include "http/sse_frames.h"

namespace jobwire::http {

SharedBytes SseFrames::frame(const Event& event) {
  Slot& slot = slots_[static_cast<uint64_t>(event.seq) % slots_.size()];
  if (slot.seq != event.seq || !slot.frame) {
    std::string frame = "id: ";
    frame.reserve(64 + event.type.size() + event.json.size());
    frame += std::to_string(event.seq);
    frame += "\nevent: ";
    frame += event.type;
    frame += "\ndata: ";
    frame += event.json;  // one line: the envelope has no raw newline
    frame += "\n\n";
    slot.seq = event.seq;
    slot.frame = std::make_shared<const std::string>(std::move(frame));
  }
  return slot.frame;
}

}  // namespace jobwire::http
