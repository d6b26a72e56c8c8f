// Unit tests for leakguard::Secret: every printing path shows the mask, the buffer is zeroed
// before it is freed (observed through the allocator hook), moves leave nothing behind, the
// comparison goes through CRYPTO_memcmp over the whole value, and FromEnv's errors.
//
// The values here are made-up test strings, not credentials.
#include "leakguard/secret.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "base/log.h"
#include "redact/secret_internal.h"

// ---- CRYPTO_memcmp, interposed ------------------------------------------------------------------
// This definition takes the place of libcrypto's for the whole test binary (the linker resolves
// secret.cc's reference to it), so a test can see that a comparison went through it, and over how
// many bytes. It is itself constant-time, like the original.
namespace {
int g_memcmp_calls = 0;
size_t g_memcmp_last_len = 0;
}  // namespace

extern "C" int CRYPTO_memcmp(const void* in_a, const void* in_b, size_t len) {
  ++g_memcmp_calls;
  g_memcmp_last_len = len;
  const volatile unsigned char* a = static_cast<const volatile unsigned char*>(in_a);
  const volatile unsigned char* b = static_cast<const volatile unsigned char*>(in_b);
  unsigned char x = 0;
  for (size_t i = 0; i < len; ++i) x = static_cast<unsigned char>(x | (a[i] ^ b[i]));
  return x;
}

namespace leakguard {
namespace {

constexpr std::string_view kValue = "tok-Vq8XzR2mW7pL4nK9";  // not a real credential
constexpr std::string_view kMask = "**********";

// ---- The type's shape --------------------------------------------------------------------------

static_assert(!std::is_copy_constructible_v<Secret>, "copies must be explicit (Clone)");
static_assert(!std::is_copy_assignable_v<Secret>);
static_assert(std::is_nothrow_move_constructible_v<Secret>);
static_assert(std::is_nothrow_move_assignable_v<Secret>);
static_assert(!std::is_convertible_v<Secret, std::string>, "no implicit conversion to text");
static_assert(!std::is_convertible_v<Secret, std::string_view>);
static_assert(!std::is_convertible_v<Secret, const char*>);
static_assert(!std::is_convertible_v<Secret, bool>);
static_assert(!std::is_convertible_v<std::string_view, Secret>, "the constructor is explicit");
static_assert(!std::is_convertible_v<const char*, Secret>);
static_assert(std::is_constructible_v<std::string, const Secret&>, "explicit conversion exists");

// ---- Every printing path prints the mask --------------------------------------------------------

struct Account {
  std::string user;
  Secret password;
};

struct PrintCase {
  std::string name;
  std::function<std::string(const Secret&)> print;
  std::string want;
};
void PrintTo(const PrintCase& c, std::ostream* os) { *os << c.name; }

class SecretPrintTest : public testing::TestWithParam<PrintCase> {};

TEST_P(SecretPrintTest, PrintsTheMaskAndNeverTheValue) {
  const Secret s(kValue);
  const std::string out = GetParam().print(s);
  EXPECT_EQ(out, GetParam().want);
  EXPECT_EQ(out.find(kValue), std::string::npos);
  EXPECT_EQ(out.find(kValue.substr(0, 4)), std::string::npos) << "not even a prefix";
}

std::string ReadBack(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    AllPaths, SecretPrintTest,
    testing::Values(
        PrintCase{"OstreamInsertion",
                  [](const Secret& s) {
                    std::ostringstream os;
                    os << s;
                    return os.str();
                  },
                  std::string(kMask)},
        PrintCase{"OstreamInsertionAmongOtherValues",
                  [](const Secret& s) {
                    std::ostringstream os;
                    os << "token=" << s << ";";
                    return os.str();
                  },
                  "token=**********;"},
        PrintCase{"StdCoutRedirected",
                  [](const Secret& s) {
                    std::ostringstream os;
                    std::streambuf* old = std::cout.rdbuf(os.rdbuf());
                    std::cout << s << std::flush;
                    std::cout.rdbuf(old);
                    return os.str();
                  },
                  std::string(kMask)},
        PrintCase{"FmtFormat", [](const Secret& s) { return fmt::format("{}", s); },
                  std::string(kMask)},
        PrintCase{"FmtFormatWithText",
                  [](const Secret& s) { return fmt::format("Authorization: Bearer {}", s); },
                  "Authorization: Bearer **********"},
        PrintCase{"FmtFormatWidthAppliesToTheMask",
                  [](const Secret& s) { return fmt::format("[{:>12}]", s); }, "[  **********]"},
        PrintCase{"FmtFormatFillAndCenter",
                  [](const Secret& s) { return fmt::format("{:-^14}", s); }, "--**********--"},
        PrintCase{"FmtFormatPrecisionCannotRevealMore",
                  [](const Secret& s) { return fmt::format("{:.3}", s); }, "***"},
        PrintCase{"FmtFormatPositional",
                  [](const Secret& s) { return fmt::format("{1}:{0}", s, "k"); }, "k:**********"},
        PrintCase{"FmtToString", [](const Secret& s) { return fmt::to_string(s); },
                  std::string(kMask)},
        PrintCase{"FmtFormatTo",
                  [](const Secret& s) {
                    std::string out;
                    fmt::format_to(std::back_inserter(out), "x={}", s);
                    return out;
                  },
                  "x=**********"},
        PrintCase{"FmtMemoryBuffer",
                  [](const Secret& s) {
                    fmt::memory_buffer buf;
                    fmt::format_to(std::back_inserter(buf), "{}", s);
                    return fmt::to_string(buf);
                  },
                  std::string(kMask)},
        PrintCase{"FmtPrintToFile",
                  [](const Secret& s) {
                    std::FILE* f = std::tmpfile();
                    fmt::print(f, "{}\n", s);
                    std::string out = ReadBack(f);
                    std::fclose(f);
                    return out;
                  },
                  std::string(kMask) + "\n"},
        PrintCase{"FmtRuntimeFormatString",
                  [](const Secret& s) { return fmt::format(fmt::runtime("{}"), s); },
                  std::string(kMask)},
        PrintCase{"FmtVformat",
                  [](const Secret& s) { return fmt::vformat("{}", fmt::make_format_args(s)); },
                  std::string(kMask)},
        PrintCase{"FmtStreamed",
                  [](const Secret& s) { return fmt::format("{}", fmt::streamed(s)); },
                  std::string(kMask)},
        PrintCase{"FmtJoinOfSecrets",
                  [](const Secret& s) {
                    std::vector<Secret> v;
                    v.push_back(s.Clone());
                    v.push_back(s.Clone());
                    return fmt::format("{}", fmt::join(v, ","));
                  },
                  "**********,**********"},
        PrintCase{"FmtRangeOfSecrets",
                  [](const Secret& s) {
                    std::vector<Secret> v;
                    v.push_back(s.Clone());
                    return fmt::format("{}", v);
                  },
                  "[\"**********\"]"},  // fmt quotes string-like elements
        PrintCase{"FmtMapWithSecretValues",
                  [](const Secret& s) {
                    std::map<std::string, Secret> m;
                    m.emplace("api", s.Clone());
                    return fmt::format("{}", m);
                  },
                  "{\"api\": **********}"},
        PrintCase{"ExplicitStdString", [](const Secret& s) { return std::string(s); },
                  std::string(kMask)},
        PrintCase{"StaticCastToStringView",
                  [](const Secret& s) { return std::string(static_cast<std::string_view>(s)); },
                  std::string(kMask)},
        PrintCase{"ToStringByAdl", [](const Secret& s) { return to_string(s); },
                  std::string(kMask)},
        PrintCase{"GoogleTestPrinter", [](const Secret& s) { return testing::PrintToString(s); },
                  std::string(kMask)},
        PrintCase{"LoggingThroughFmt",
                  [](const Secret& s) {
                    std::string logged;
                    SetLogSink([&](LogLevel, std::string_view m) { logged += m; });
                    Warn("connecting with {}", s);
                    SetLogSink(nullptr);
                    return logged;
                  },
                  "connecting with **********"},
        PrintCase{"StructMemberThroughAUserFormatter",
                  [](const Secret& s) {
                    Account a{"alice", s.Clone()};
                    return fmt::format("{} {}", a.user, a.password);
                  },
                  "alice **********"},
        PrintCase{"EmptySecretPrintsTheMaskToo",
                  [](const Secret&) { return fmt::format("{}", Secret()); }, std::string(kMask)}),
    [](const testing::TestParamInfo<PrintCase>& p) { return p.param.name; });

TEST(Secret, RevealIsTheOnlyWayToTheValue) {
  const Secret s(kValue);
  EXPECT_EQ(s.Reveal(), kValue);
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(Secret().empty());
  EXPECT_TRUE(Secret("").empty());
  EXPECT_EQ(Secret().Reveal(), "");
}

TEST(Secret, HoldsArbitraryBytes) {
  const std::string bytes("a\0b\xff\n", 5);
  const Secret s(bytes);
  EXPECT_EQ(s.Reveal(), bytes);
  EXPECT_EQ(fmt::format("{}", s), kMask);
}

TEST(Secret, CloneIsEqualButOwnsItsOwnBuffer) {
  std::optional<Secret> a(std::in_place, kValue);
  Secret b = a->Clone();
  EXPECT_TRUE(*a == b);
  EXPECT_NE(a->Reveal().data(), b.Reveal().data());
  a.reset();
  EXPECT_EQ(b.Reveal(), kValue);
}

// ---- Zeroing, observed through the allocator
// ------------------------------------------------------

std::vector<std::vector<unsigned char>>* g_freed = nullptr;
int g_allocations = 0;

void* RecordingAllocate(size_t n) {
  ++g_allocations;
  return secret_internal::DefaultAllocator().allocate(n);
}
void RecordingDeallocate(void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  g_freed->emplace_back(b, b + n);  // the bytes as they are handed back, before they are freed
  secret_internal::DefaultAllocator().deallocate(p, n);
}

bool AllZero(const std::vector<unsigned char>& v) {
  return std::all_of(v.begin(), v.end(), [](unsigned char c) { return c == 0; });
}

class SecretMemoryTest : public testing::Test {
 protected:
  void SetUp() override {
    g_freed = &freed_;
    g_allocations = 0;
    previous_ = secret_internal::SetAllocatorForTesting({&RecordingAllocate, &RecordingDeallocate});
  }
  void TearDown() override {
    secret_internal::SetAllocatorForTesting(previous_);
    g_freed = nullptr;
  }
  std::vector<std::vector<unsigned char>> freed_;
  secret_internal::SecretAllocator previous_{};
};

TEST_F(SecretMemoryTest, TheRecorderSeesWhatAnUnwipedBufferHolds) {
  // The check below would catch a Secret that forgot to wipe: the recorder sees real contents.
  void* p = RecordingAllocate(3);
  std::memcpy(p, "abc", 3);
  RecordingDeallocate(p, 3);
  ASSERT_EQ(freed_.size(), 1u);
  EXPECT_FALSE(AllZero(freed_[0]));
}

TEST_F(SecretMemoryTest, DestructionZeroesTheBufferBeforeFreeingIt) {
  { Secret s(kValue); }
  ASSERT_EQ(freed_.size(), 1u);
  EXPECT_EQ(freed_[0].size(), kValue.size());
  EXPECT_TRUE(AllZero(freed_[0]));
}

TEST_F(SecretMemoryTest, MoveConstructionHandsTheBufferOverAndLeavesNothingBehind) {
  Secret a(kValue);
  const char* buffer = a.Reveal().data();
  Secret b(std::move(a));
  EXPECT_TRUE(freed_.empty()) << "a move copies nothing and frees nothing";
  EXPECT_EQ(g_allocations, 1);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_EQ(a.Reveal().data(), nullptr);
  EXPECT_EQ(b.Reveal().data(), buffer);
  EXPECT_EQ(b.Reveal(), kValue);
}

TEST_F(SecretMemoryTest, MoveAssignmentZeroesTheValueItReplaces) {
  Secret a(kValue);
  Secret b("another-made-up-value");
  a = std::move(b);
  ASSERT_EQ(freed_.size(), 1u);
  EXPECT_EQ(freed_[0].size(), kValue.size());
  EXPECT_TRUE(AllZero(freed_[0]));
  EXPECT_EQ(a.Reveal(), "another-made-up-value");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
}

TEST_F(SecretMemoryTest, SelfMoveAssignmentKeepsTheValue) {
  Secret a(kValue);
  Secret& alias = a;
  a = std::move(alias);
  EXPECT_EQ(a.Reveal(), kValue);
  EXPECT_TRUE(freed_.empty());
}

TEST_F(SecretMemoryTest, ClearZeroesAndEmpties) {
  Secret a(kValue);
  a.Clear();
  EXPECT_TRUE(a.empty());
  ASSERT_EQ(freed_.size(), 1u);
  EXPECT_TRUE(AllZero(freed_[0]));
  a.Clear();  // idempotent
  EXPECT_EQ(freed_.size(), 1u);
}

TEST_F(SecretMemoryTest, EveryBufferOfAVectorOfSecretsIsZeroed) {
  {
    std::vector<Secret> v;
    for (int i = 0; i < 50; ++i) v.emplace_back(fmt::format("value-{:04}-made-up", i));
    // Growing the vector moves the secrets: no buffer is copied or freed on the way.
    EXPECT_EQ(g_allocations, 50);
  }
  ASSERT_EQ(freed_.size(), 50u);
  for (const auto& f : freed_) EXPECT_TRUE(AllZero(f));
}

TEST_F(SecretMemoryTest, AnEmptySecretAllocatesNothing) {
  {
    Secret a;
    Secret b("");
  }
  EXPECT_EQ(g_allocations, 0);
  EXPECT_TRUE(freed_.empty());
}

// ---- Constant-time comparison
// ---------------------------------------------------------------------

struct CompareCase {
  std::string name;
  std::string a, b;
  bool equal;
  bool same_length;
};
void PrintTo(const CompareCase& c, std::ostream* os) { *os << c.name; }

class SecretCompareTest : public testing::TestWithParam<CompareCase> {};

TEST_P(SecretCompareTest, ComparesThroughCryptoMemcmpOverTheWholeValue) {
  const CompareCase& c = GetParam();
  const Secret a(c.a), b(c.b);
  g_memcmp_calls = 0;
  EXPECT_EQ(a == b, c.equal);
  EXPECT_EQ(a != b, !c.equal);
  EXPECT_EQ(a.Equals(c.b), c.equal);
  if (c.same_length && !c.a.empty()) {
    // Three comparisons, each over every byte, wherever the first difference is.
    EXPECT_EQ(g_memcmp_calls, 3);
    EXPECT_EQ(g_memcmp_last_len, c.a.size());
  } else {
    EXPECT_EQ(g_memcmp_calls, 0) << "only a length difference short-cuts";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SecretCompareTest,
    testing::Values(
        CompareCase{"Equal", "made-up-value-0001", "made-up-value-0001", true, true},
        CompareCase{"DifferInTheFirstByte", "made-up-value-0001", "Xade-up-value-0001", false,
                    true},
        CompareCase{"DifferInTheLastByte", "made-up-value-0001", "made-up-value-0002", false, true},
        CompareCase{"DifferEverywhere", "aaaaaaaaaa", "bbbbbbbbbb", false, true},
        CompareCase{"DifferentLengths", "made-up-value", "made-up-value-0001", false, false},
        CompareCase{"PrefixIsNotEqual", "made-up", "made-up-value", false, false},
        CompareCase{"BothEmpty", "", "", true, true},
        CompareCase{"EmptyAndNot", "", "x", false, false},
        CompareCase{"EmbeddedNul", std::string("a\0b", 3), std::string("a\0c", 3), false, true}),
    [](const testing::TestParamInfo<CompareCase>& p) { return p.param.name; });

// ---- FromEnv -----------------------------------------------------------------------------------

class FromEnvTest : public testing::Test {
 protected:
  void TearDown() override {
    ::unsetenv("LEAKGUARD_TEST_SECRET");
    ::unsetenv("LEAKGUARD_TEST_EMPTY");
  }
};

TEST_F(FromEnvTest, ReadsASetVariable) {
  ASSERT_EQ(::setenv("LEAKGUARD_TEST_SECRET", std::string(kValue).c_str(), 1), 0);
  auto s = Secret::FromEnv("LEAKGUARD_TEST_SECRET");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->Reveal(), kValue);
  EXPECT_EQ(fmt::format("{}", *s), kMask);
}

TEST_F(FromEnvTest, MissingVariableIsNotFoundAndNamesIt) {
  ::unsetenv("LEAKGUARD_TEST_SECRET");
  auto s = Secret::FromEnv("LEAKGUARD_TEST_SECRET");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_NE(s.error().message.find("LEAKGUARD_TEST_SECRET"), std::string::npos);
  EXPECT_NE(s.error().message.find("not set"), std::string::npos);
}

TEST_F(FromEnvTest, EmptyVariableIsAnError) {
  ASSERT_EQ(::setenv("LEAKGUARD_TEST_EMPTY", "", 1), 0);
  auto s = Secret::FromEnv("LEAKGUARD_TEST_EMPTY");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_NE(s.error().message.find("empty"), std::string::npos);
}

TEST_F(FromEnvTest, InvalidNamesAreInvalidArguments) {
  for (std::string_view name :
       {std::string_view(""), std::string_view("A=B"), std::string_view("A\0B", 3)}) {
    auto s = Secret::FromEnv(name);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(FromEnvTest, ErrorsNeverHoldAValue) {
  // A variable whose *name* is asked with a trailing '=' must not echo anything set under it.
  ASSERT_EQ(::setenv("LEAKGUARD_TEST_SECRET", std::string(kValue).c_str(), 1), 0);
  auto s = Secret::FromEnv("LEAKGUARD_TEST_SECRET=");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message.find(kValue), std::string::npos);
}

}  // namespace
}  // namespace leakguard
