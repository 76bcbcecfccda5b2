// Writers of session files: the streaming form line by line (flushed per frame, so a killed process
// leaves every complete frame on disk) and the section 4 document form (a frame at a time to a temporary
// file renamed over a regular file; in place to a FIFO or a device).
#include <yams/session.hpp>

#include "json_write.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace yams {
namespace {

namespace fs = std::filesystem;

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

// Whether the name `p` lives in /proc, like /proc/self/fd/1: a process's open file, to be written
// through, never replaced.
bool names_an_open_file(const std::string& p) {
  fs::path dir = fs::path(p).parent_path();
  if (dir.empty()) dir = ".";
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(dir.c_str(), nullptr), &std::free);
  return real && (std::strcmp(real.get(), "/proc") == 0 || std::strncmp(real.get(), "/proc/", 6) == 0);
}

// The document is written in pieces of about a megabyte.
constexpr std::size_t document_piece = 1u << 20;

}  // namespace

std::optional<std::string> detail::file_to_replace(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {  // the kernel's own limit on a chain of links
    if (names_an_open_file(p)) return std::nullopt;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      // Absent: created through the temporary file. A dangling link is written in place (which creates
      // its target); other errors (no such directory, no permission) are reported by the open.
      return errno == ENOENT && p == path ? std::optional(p) : std::nullopt;
    }
    if (S_ISREG(st.st_mode)) return p;
    if (!S_ISLNK(st.st_mode)) return std::nullopt;
    std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    const ssize_t n = ::readlink(p.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    p = target.starts_with('/') ? target : (fs::path(p).parent_path() / target).string();
  }
  return std::nullopt;
}

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

session_document_writer::session_document_writer(const std::string& path, const SessionInfo& info) : path_(path) {
  // A regular file is written to a temporary file and renamed over, so it is either the old file or the
  // complete new one; anything else (a FIFO, a device, /dev/stdout) is written in place.
  if (const std::optional<std::string> file = detail::file_to_replace(path)) {
    target_ = *file;
    tmp_ = target_ + ".tmp";
    std::remove(tmp_.c_str());  // a stale one, or a link there: never written through
  }
  file_ = std::fopen(tmp_.empty() ? path.c_str() : tmp_.c_str(), tmp_.empty() ? "ab" : "wbx");
  if (file_ == nullptr) throw file_error(path, "cannot open for writing");
  buffer_ = "{";
  append_info_fields(buffer_, info);
  buffer_ += ",\"frames\":[";
}

session_document_writer::~session_document_writer() { discard(); }

void session_document_writer::write(const FrameProfile& frame) {
  if (file_ == nullptr) throw std::runtime_error(path_ + ": session document already closed");
  buffer_ += count_ == 0 ? "\n" : ",\n";
  append_json(buffer_, frame);
  ++count_;
  if (buffer_.size() > document_piece) flush_buffer();
}

void session_document_writer::flush_buffer() {
  try {
    write_all(file_, path_, buffer_);
  } catch (...) {
    discard();
    throw;
  }
  buffer_.clear();
}

void session_document_writer::close() {
  if (file_ == nullptr) throw std::runtime_error(path_ + ": session document already closed");
  buffer_ += "\n]}\n";
  flush_buffer();
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    const std::runtime_error e = file_error(path_, "cannot write");
    if (!tmp_.empty()) std::remove(tmp_.c_str());
    throw e;
  }
  if (!tmp_.empty() && std::rename(tmp_.c_str(), target_.c_str()) != 0) {
    const std::runtime_error e = file_error(path_, "cannot replace");
    std::remove(tmp_.c_str());
    throw e;
  }
}

void session_document_writer::discard() noexcept {
  if (file_ == nullptr) return;
  std::fclose(file_);
  file_ = nullptr;
  if (!tmp_.empty()) std::remove(tmp_.c_str());
}

void write_session_document(const std::string& path, const Session& session) {
  session_document_writer out(path, session.info);
  for (const FrameProfile& f : session.frames) out.write(f);
  out.close();
}

}  // namespace yams
