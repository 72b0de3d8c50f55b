#include "agent/metrics_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kj::agent {
namespace {

TEST(MetricsRegistry, EmptyRegistryRendersNothing) {
  MetricsRegistry registry;
  EXPECT_EQ(registry.render(), "");
}

TEST(MetricsRegistry, CounterWithoutLabels) {
  MetricsRegistry registry;
  Counter& c = registry.counter("kjournal_loop_turns_total", "Main loop turns.").get();
  c.inc();
  c.inc(41);
  EXPECT_EQ(registry.render(),
            "# HELP kjournal_loop_turns_total Main loop turns.\n"
            "# TYPE kjournal_loop_turns_total counter\n"
            "kjournal_loop_turns_total 42\n");
}

TEST(MetricsRegistry, FamiliesSortedByNameAndChildrenByLabels) {
  MetricsRegistry registry;
  auto& read = registry.counter("kjournal_source_records_read_total", "Records read.", {"source"});
  auto& fill = registry.gauge("kjournal_queue_fill_ratio", "Queue fill.");
  read.labels({"node-services"}).inc(3);
  read.labels({"control-plane"}).inc(5);
  fill.get().set(0.25);
  EXPECT_EQ(registry.render(),
            "# HELP kjournal_queue_fill_ratio Queue fill.\n"
            "# TYPE kjournal_queue_fill_ratio gauge\n"
            "kjournal_queue_fill_ratio 0.25\n"
            "# HELP kjournal_source_records_read_total Records read.\n"
            "# TYPE kjournal_source_records_read_total counter\n"
            "kjournal_source_records_read_total{source=\"control-plane\"} 5\n"
            "kjournal_source_records_read_total{source=\"node-services\"} 3\n");
}

TEST(MetricsRegistry, LabelledFamilyWithoutChildrenIsLeftOut) {
  MetricsRegistry registry;
  registry.counter("kjournal_errors_total", "Errors.", {"reason"});
  EXPECT_EQ(registry.render(), "");
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  auto& errors =
      registry.counter("kjournal_exporter_errors_total",
                       "Failed attempts\nby reason \\ \"quoted\".", {"exporter", "reason"});
  errors.labels({"a\\b", "say \"hi\"\nnow"}).inc();
  EXPECT_EQ(
      registry.render(),
      "# HELP kjournal_exporter_errors_total Failed attempts\\nby reason \\\\ \"quoted\".\n"
      "# TYPE kjournal_exporter_errors_total counter\n"
      "kjournal_exporter_errors_total{exporter=\"a\\\\b\",reason=\"say \\\"hi\\\"\\nnow\"} 1\n");
}

TEST(MetricsRegistry, GaugeValues) {
  MetricsRegistry registry;
  auto& g = registry.gauge("kjournal_value", "Values.", {"case"});
  g.labels({"a_int"}).set(3);
  g.labels({"b_neg"}).set(-1.5);
  g.labels({"c_small"}).set(1e-7);
  g.labels({"d_inf"}).set(std::numeric_limits<double>::infinity());
  g.labels({"e_minf"}).set(-std::numeric_limits<double>::infinity());
  g.labels({"f_nan"}).set(std::nan(""));
  Gauge& added = g.labels({"g_add"});
  added.add(2);
  added.add(-0.5);
  EXPECT_EQ(registry.render(),
            "# HELP kjournal_value Values.\n"
            "# TYPE kjournal_value gauge\n"
            "kjournal_value{case=\"a_int\"} 3\n"
            "kjournal_value{case=\"b_neg\"} -1.5\n"
            "kjournal_value{case=\"c_small\"} 1e-07\n"
            "kjournal_value{case=\"d_inf\"} +Inf\n"
            "kjournal_value{case=\"e_minf\"} -Inf\n"
            "kjournal_value{case=\"f_nan\"} NaN\n"
            "kjournal_value{case=\"g_add\"} 1.5\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& latency = registry.histogram("kjournal_batch_latency_seconds", "Batch latency.",
                                     {"exporter"}, {0.125, 0.5, 1});
  Histogram& h = latency.labels({"central"});
  // Binary fractions, so the sum is exact.
  h.observe(0.0625);
  h.observe(0.125);  // bounds are inclusive: counts in le="0.125"
  h.observe(0.25);
  h.observe(std::chrono::milliseconds(750));
  h.observe(2.5);
  EXPECT_EQ(registry.render(),
            "# HELP kjournal_batch_latency_seconds Batch latency.\n"
            "# TYPE kjournal_batch_latency_seconds histogram\n"
            "kjournal_batch_latency_seconds_bucket{exporter=\"central\",le=\"0.125\"} 2\n"
            "kjournal_batch_latency_seconds_bucket{exporter=\"central\",le=\"0.5\"} 3\n"
            "kjournal_batch_latency_seconds_bucket{exporter=\"central\",le=\"1\"} 4\n"
            "kjournal_batch_latency_seconds_bucket{exporter=\"central\",le=\"+Inf\"} 5\n"
            "kjournal_batch_latency_seconds_sum{exporter=\"central\"} 3.6875\n"
            "kjournal_batch_latency_seconds_count{exporter=\"central\"} 5\n");
}

TEST(MetricsRegistry, HistogramWithoutLabelsAndDefaultBuckets) {
  MetricsRegistry registry;
  Histogram& h = registry.histogram("kjournal_flush_seconds", "Flush time.", {}).get();
  h.observe(0.00390625);
  h.observe(100);
  const std::string text = registry.render();
  EXPECT_NE(text.find("kjournal_flush_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("kjournal_flush_seconds_bucket{le=\"60\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kjournal_flush_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kjournal_flush_seconds_sum 100.00390625\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kjournal_flush_seconds_count 2\n"), std::string::npos) << text;
  // One line per default bound, +Inf, sum, count, plus HELP and TYPE.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'),
            static_cast<long>(latency_buckets_seconds().size()) + 5);
}

TEST(MetricsRegistry, CallbackFamiliesReadAtScrapeTime) {
  MetricsRegistry registry;
  std::atomic<uint64_t> sent{7};
  std::map<std::string, uint64_t> errors = {{"http_503", 2}, {"timeout", 1}};
  auto& sent_family = registry.callback_counter("kjournal_exporter_records_sent_total",
                                                "Records sent.", {"exporter"});
  sent_family.add({"central"}, [&] { return static_cast<double>(sent.load()); });
  auto& errors_family = registry.callback_counter("kjournal_exporter_errors_total", "Errors.",
                                                  {"exporter", "reason"});
  errors_family.add_many([&] {
    std::vector<CallbackFamily::Value> values;
    for (const auto& [reason, n] : errors) {
      values.push_back({{"central", reason}, static_cast<double>(n)});
    }
    return values;
  });
  auto lag_id = registry.callback_gauge("kjournal_checkpoint_lag_seconds", "Lag.", {"source"})
                    .add({"node-services"}, [] { return 1.25; });

  sent = 9;
  EXPECT_EQ(registry.render(),
            "# HELP kjournal_checkpoint_lag_seconds Lag.\n"
            "# TYPE kjournal_checkpoint_lag_seconds gauge\n"
            "kjournal_checkpoint_lag_seconds{source=\"node-services\"} 1.25\n"
            "# HELP kjournal_exporter_errors_total Errors.\n"
            "# TYPE kjournal_exporter_errors_total counter\n"
            "kjournal_exporter_errors_total{exporter=\"central\",reason=\"http_503\"} 2\n"
            "kjournal_exporter_errors_total{exporter=\"central\",reason=\"timeout\"} 1\n"
            "# HELP kjournal_exporter_records_sent_total Records sent.\n"
            "# TYPE kjournal_exporter_records_sent_total counter\n"
            "kjournal_exporter_records_sent_total{exporter=\"central\"} 9\n");

  registry.callback_gauge("kjournal_checkpoint_lag_seconds", "Lag.", {"source"}).remove(lag_id);
  EXPECT_EQ(registry.render().find("kjournal_checkpoint_lag_seconds"), std::string::npos);
}

TEST(MetricsRegistry, CallbackWithRepeatedLabelsFailsTheScrape) {
  MetricsRegistry registry;
  auto& family = registry.callback_gauge("kjournal_dup", "Dup.", {"x"});
  family.add({"a"}, [] { return 1.0; });
  family.add({"a"}, [] { return 2.0; });
  EXPECT_THROW(registry.render(), std::logic_error);
}

TEST(MetricsRegistry, ReRegisteringReturnsTheSameFamily) {
  MetricsRegistry registry;
  auto& a = registry.counter("kjournal_x_total", "X.", {"source"});
  auto& b = registry.counter("kjournal_x_total", "X.", {"source"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.labels({"s"}), &b.labels({"s"}));
  EXPECT_THROW(registry.gauge("kjournal_x_total", "X."), std::invalid_argument);
  EXPECT_THROW(registry.counter("kjournal_x_total", "X.", {"other"}), std::invalid_argument);
  EXPECT_THROW(registry.callback_counter("kjournal_x_total", "X.", {"source"}),
               std::invalid_argument);
}

TEST(MetricsRegistry, RejectsBadNamesAndLabelCounts) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.counter("records_total", "no prefix"), std::invalid_argument);
  EXPECT_THROW(registry.counter("kjournal_bad-name", "dash"), std::invalid_argument);
  EXPECT_THROW(registry.counter("kjournal_ok_total", "bad label", {"1st"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("kjournal_ok_total", "reserved", {"__x"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("kjournal_ok_total", "twice", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("kjournal_h", "le", {"le"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("kjournal_h2", "order", {}, {1, 0.5}), std::invalid_argument);
  auto& family = registry.counter("kjournal_ok_total", "ok", {"a", "b"});
  try {
    family.labels({"only-one"});
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("kjournal_ok_total"), std::string::npos) << e.what();
  }
}

TEST(MetricsRegistry, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry registry;
  auto& family = registry.counter("kjournal_concurrent_total", "C.", {"t"});
  auto& latency = registry.histogram("kjournal_concurrent_seconds", "L.", {"t"}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        family.labels({"shared"}).inc();
        latency.labels({"shared"}).observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.labels({"shared"}).value(), 40000u);
  const std::string text = registry.render();
  EXPECT_NE(text.find("kjournal_concurrent_seconds_count{t=\"shared\"} 40000\n"), std::string::npos)
      << text;
}

TEST(MetricsRegistry, BuildInfo) {
  MetricsRegistry registry;
  register_build_info(registry, "0.1.0", "252");
  EXPECT_EQ(registry.render(),
            "# HELP kjournal_build_info The kjournal version and the libsystemd version it was "
            "built against; always 1.\n"
            "# TYPE kjournal_build_info gauge\n"
            "kjournal_build_info{version=\"0.1.0\",libsystemd=\"252\"} 1\n");

  MetricsRegistry built;
  register_build_info(built);
  const std::string text = built.render();
  // The real versions: digits and dots, not empty.
  EXPECT_NE(text.find("kjournal_build_info{version=\"0."), std::string::npos) << text;
  EXPECT_EQ(text.find("libsystemd=\"\""), std::string::npos) << text;
}

}  // namespace
}  // namespace kj::agent
