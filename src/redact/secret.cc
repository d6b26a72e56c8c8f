#include "leakguard/secret.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <ostream>
#include <utility>

#include "base/log.h"
#include "redact/secret_internal.h"

namespace leakguard {
namespace secret_internal {
namespace {

void* NewBuffer(std::size_t n) { return ::operator new(n); }
void DeleteBuffer(void* p, std::size_t n) { ::operator delete(p, n); }

SecretAllocator g_allocator{&NewBuffer, &DeleteBuffer};

}  // namespace

SecretAllocator DefaultAllocator() { return {&NewBuffer, &DeleteBuffer}; }

SecretAllocator SetAllocatorForTesting(SecretAllocator a) { return std::exchange(g_allocator, a); }

}  // namespace secret_internal

Secret::Secret(std::string_view value) {
  if (value.empty()) return;
  data_ = static_cast<char*>(secret_internal::g_allocator.allocate(value.size()));
  std::memcpy(data_, value.data(), value.size());
  size_ = value.size();
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void Secret::Clear() noexcept {
  if (data_ == nullptr) return;
  OPENSSL_cleanse(data_, size_);
  secret_internal::g_allocator.deallocate(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

bool Secret::Equals(std::string_view value) const noexcept {
  // CRYPTO_memcmp reads every byte whatever the contents; only the length check short-cuts.
  if (value.size() != size_) return false;
  if (size_ == 0) return true;
  return CRYPTO_memcmp(data_, value.data(), size_) == 0;
}

std::ostream& operator<<(std::ostream& os, const Secret&) { return os << Secret::kMask; }

std::expected<Secret, Error> Secret::FromEnv(std::string_view name) {
  if (name.empty() || name.find('=') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos)
    return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                 "Secret::FromEnv: the variable name must be non-empty and hold "
                                 "neither '=' nor NUL"});
  const std::string key(name);
  const char* value = std::getenv(key.c_str());
  if (value == nullptr)
    return std::unexpected(Error{ErrorCode::kNotFound,
                                 "environment variable '" + PrintablePath(key) + "' is not set"});
  if (*value == '\0')
    return std::unexpected(
        Error{ErrorCode::kNotFound,
              "environment variable '" + PrintablePath(key) + "' is set but empty"});
  return Secret(std::string_view(value));
}

}  // namespace leakguard
