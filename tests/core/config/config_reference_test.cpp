#include "core/config/config_reference.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/config/option_declarations.h"

namespace {

TEST(ConfigReferenceTest, DocsConfigMdIsCurrent) {
  const std::string path = std::string(KJ_SOURCE_DIR) + "/docs/config.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(text.str() == kj::config::render_config_reference())
      << path << " differs from the option declarations; regenerate it with\n"
      << "  kjournal config-reference > docs/config.md";
}

TEST(ConfigReferenceTest, EveryOptionIsDocumented) {
  const std::string doc = kj::config::render_config_reference();
  for (const auto& o : kj::config::agent_options())
    EXPECT_NE(doc.find("| `" + o.key + "` |"), std::string::npos) << o.key;
  for (const auto& o : kj::config::source_options())
    EXPECT_NE(doc.find("| `sources[]." + o.key + "` |"), std::string::npos) << o.key;
  for (const auto& o : kj::config::exporter_options())
    EXPECT_NE(doc.find("| `exporters[]." + o.key + "` |"), std::string::npos) << o.key;
}

TEST(ConfigReferenceTest, DefaultsComeFromTheStructs) {
  const std::string doc = kj::config::render_config_reference();
  EXPECT_NE(doc.find("| `exporters[].batch.max_bytes` | size | `4MiB` | bytes |"),
            std::string::npos);
  EXPECT_NE(doc.find("| `exporters[].table` | string | `logs.node_logs` |"), std::string::npos);
  EXPECT_NE(doc.find("| `server.listen` | string | `127.0.0.1:2021` |"), std::string::npos);
}

}  // namespace
