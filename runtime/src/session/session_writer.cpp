// Writers of session files: the streaming form line by line (flushed per frame, so a killed process
// leaves every complete frame on disk) and the section 4 document form (written whole, then renamed).
#include <yams/session.hpp>

#include "json_write.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace yams {
namespace {

std::runtime_error file_error(const std::string& path, const char* what) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

void append_info_fields(std::string& out, const SessionInfo& info) {
  out += "\"session_id\":";
  detail::write_json_string(out, info.session_id);
  out += ",\"start_time\":";
  detail::write_json_double(out, info.start_time);
}

void write_all(std::FILE* f, const std::string& path, std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size()) throw file_error(path, "cannot write");
}

}  // namespace

session_writer::session_writer(const std::string& path, const SessionInfo& info) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) throw file_error(path, "cannot open for writing");
  line_ = "{\"yams_session\":1,\"format_version\":";
  line_ += std::to_string(frame_format_version);
  line_ += ',';
  append_info_fields(line_, info);
  line_ += "}\n";
  write_all(file_, path_, line_);
  if (std::fflush(file_) != 0) throw file_error(path_, "cannot write");
}

session_writer::~session_writer() {
  try {
    close();
  } catch (...) {
    // A destructor cannot report; close() explicitly to see write errors.
  }
}

void session_writer::write(const FrameProfile& frame) {
  line_.clear();
  append_json(line_, frame);
  write_json(line_);
}

void session_writer::write_json(std::string_view frame_object) {
  if (file_ == nullptr) throw std::runtime_error(path_ + ": session file already closed");
  try {
    write_all(file_, path_, frame_object);
    write_all(file_, path_, "\n");
    if (std::fflush(file_) != 0) throw file_error(path_, "cannot write");
  } catch (...) {
    failed_ = true;  // perhaps half a line: no end line may follow it
    throw;
  }
  ++count_;
}

void session_writer::close() {
  if (file_ == nullptr) return;
  std::FILE* f = file_;
  file_ = nullptr;
  bool written = true;
  if (!failed_) {
    std::string end = "{\"yams_session_end\":1,\"frames\":" + std::to_string(count_);
    if (frames_lost_at_end_ != 0) end += ",\"frames_lost\":" + std::to_string(frames_lost_at_end_);
    end += "}\n";
    written = std::fwrite(end.data(), 1, end.size(), f) == end.size();
  }
  if (std::fclose(f) != 0 || !written) throw file_error(path_, "cannot write the end line");
}

void write_session_document(const std::string& path, const Session& session) {
  // Written to a temporary file and renamed, so `path` is either the old file or the complete new one.
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw file_error(tmp, "cannot open for writing");
  try {
    std::string out = "{";
    append_info_fields(out, session.info);
    out += ",\"frames\":[";
    for (std::size_t i = 0; i < session.frames.size(); ++i) {
      out += i == 0 ? "\n" : ",\n";
      append_json(out, session.frames[i]);
      if (out.size() > (1u << 20)) {
        write_all(f, tmp, out);
        out.clear();
      }
    }
    out += "\n]}\n";
    write_all(f, tmp, out);
  } catch (...) {
    std::fclose(f);
    std::remove(tmp.c_str());
    throw;
  }
  if (std::fclose(f) != 0) {
    std::remove(tmp.c_str());
    throw file_error(tmp, "cannot write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw file_error(path, "cannot replace");
  }
}

}  // namespace yams
