#include "core/message_level.h"

#include <gtest/gtest.h>

#include "core/component.h"

namespace kj {
namespace {

TEST(MessageLevel, KlogHeaderWinsAndIsStripped) {
  const std::string m =
      "E1127 22:50:00.123456    1234 pod_workers.go:1301] \"Error syncing pod, skipping\"";
  const auto l = detect_message_level(m);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->severity, Severity::error);
  EXPECT_EQ(l->raw, "E");
  EXPECT_EQ(l->caller, "pod_workers.go:1301");
  EXPECT_TRUE(l->klog);
  EXPECT_EQ(m.substr(l->message_offset), "\"Error syncing pod, skipping\"");
}

TEST(MessageLevel, EveryKlogLetter) {
  const std::pair<char, Severity> cases[] = {{'I', Severity::info},
                                             {'W', Severity::warning},
                                             {'E', Severity::error},
                                             {'F', Severity::fatal}};
  for (auto [c, s] : cases) {
    const std::string m = std::string(1, c) + "0102 03:04:05.000006       1 a.go:1] x";
    const auto l = detect_message_level(m);
    ASSERT_TRUE(l) << m;
    EXPECT_EQ(l->severity, s) << m;
  }
}

TEST(MessageLevel, LogrusLevelKeepsMessage) {
  const auto l = detect_message_level(
      "time=\"2026-11-27T22:50:00.123456789Z\" level=error msg=\"failed to pull\"");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->severity, Severity::error);
  EXPECT_EQ(l->raw, "error");
  EXPECT_EQ(l->message_offset, 0u);
  EXPECT_FALSE(l->klog);
}

TEST(MessageLevel, PlainTextHasNoLevel) {
  EXPECT_FALSE(detect_message_level(""));
  EXPECT_FALSE(detect_message_level("Started kubelet.service - kubelet"));
  EXPECT_FALSE(detect_message_level("Error: level=error appears in free text"));
  EXPECT_FALSE(detect_message_level("E0000 12:00:01.000000  123456 main.go:43] month 00"));
  EXPECT_FALSE(detect_message_level("I1127"));
}

TEST(Component, FromUnit) {
  EXPECT_EQ(component_from_unit("kubelet.service"), "kubelet");
  EXPECT_EQ(component_from_unit("containerd.service"), "containerd");
  EXPECT_EQ(component_from_unit("cri-docker.socket"), "cri-docker");
  EXPECT_EQ(component_from_unit("getty@tty1.service"), "getty");
  EXPECT_EQ(component_from_unit("snap.microk8s.daemon-kubelite.service"),
            "microk8s.daemon-kubelite");
  EXPECT_EQ(component_from_unit("session-1.scope"), "session-1");
  EXPECT_EQ(component_from_unit(".service"), ".service");
}

}  // namespace
}  // namespace kj

namespace kj {
namespace {

TEST(MessageLevel, OldGlogPrefixAndUnknownLogrusLevel) {
  const std::string m = "ERROR: logging before flag.Parse: I0412 10:00:00.000000    42 x.go:9] hi";
  const auto l = detect_message_level(m);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->severity, Severity::info);
  EXPECT_EQ(l->raw.data(), m.data() + 34);  // the letter after the prefix, not ERROR's E
  EXPECT_EQ(m.substr(l->message_offset), "hi");
  EXPECT_FALSE(detect_message_level("time=\"2026-11-27T22:50:00Z\" level=verbose msg=x"));
}

}  // namespace
}  // namespace kj
