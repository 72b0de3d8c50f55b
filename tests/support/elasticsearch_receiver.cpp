#include "tests/support/elasticsearch_receiver.h"

#include <Poco/Base64Encoder.h>
#include <Poco/URI.h>

#include <algorithm>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

namespace kjt {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// Query parameters the bulk API documents that a log shipper may send.
const std::set<std::string> kKnownParameters = {"filter_path",           "pipeline", "refresh",
                                                "require_alias",         "routing",  "timeout",
                                                "wait_for_active_shards"};

// Top-level document fields the exporter may write (ECS roots plus its own object).
const std::set<std::string> kKnownRoots = {"@timestamp", "message",    "log",     "host",
                                           "service",    "process",    "systemd", "event",
                                           "kjournal",   "data_stream"};

const std::set<std::string> kEcsLevels = {"trace",     "debug", "info",     "notice",
                                          "warning",   "error", "critical", "alert",
                                          "emergency", "fatal", "panic"};

bool is_rfc3339_utc(const std::string& s) {
  static const std::regex re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)");
  return std::regex_match(s, re);
}

// The index name rules of the create index API (lowercase; none of \ / * ? " < > | , # :
// space; not starting with - _ +; not . or ..; at most 255 bytes).
std::string index_problem(const std::string& name) {
  if (name.empty()) return "empty index name";
  if (name == "." || name == "..") return "index name . or ..";
  if (name.size() > 255) return "index name longer than 255 bytes";
  if (std::string_view("-_+").find(name[0]) != std::string_view::npos)
    return "index name starts with " + name.substr(0, 1);
  for (unsigned char c : name) {
    if (std::isupper(c)) return "index name has upper case: " + name;
    if (std::string_view("\\/*?\"<>|,#: ").find(static_cast<char>(c)) != std::string_view::npos)
      return "index name has a forbidden character: " + name;
  }
  return {};
}

// Parses one JSON value, reporting duplicate keys (Elasticsearch refuses them; nlohmann
// would keep the last silently).
std::optional<json> parse_strict(const std::string& text, std::vector<std::string>& problems,
                                 const std::string& where) {
  std::vector<std::set<std::string>> keys;
  bool duplicate = false;
  std::string duplicate_key;
  json::parser_callback_t cb = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == json::parse_event_t::key && !keys.empty()) {
      const auto key = parsed.get<std::string>();
      if (!keys.back().insert(key).second && !duplicate) {
        duplicate = true;
        duplicate_key = key;
      }
    }
    return true;
  };
  try {
    json v = json::parse(text, cb);
    if (duplicate) problems.push_back(where + ": duplicate key \"" + duplicate_key + "\"");
    return v;
  } catch (const json::exception& e) {
    problems.push_back(where + ": not JSON (" + e.what() + "): " + text.substr(0, 200));
    return std::nullopt;
  }
}

// Field names must be non-empty and written as nested objects, never dotted.
void check_names(const json& v, const std::string& path, std::vector<std::string>& problems) {
  if (!v.is_object()) return;
  for (const auto& [k, child] : v.items()) {
    if (k.empty() || k.find_first_not_of(" \t") == std::string::npos)
      problems.push_back("empty field name under " + path);
    else if (k.find('.') != std::string::npos)
      problems.push_back("dotted field name \"" + k + "\" under " + path);
    check_names(child, path.empty() ? k : path + "." + k, problems);
  }
}

const json* at_path(const json& doc, std::string_view path) {
  const json* v = &doc;
  size_t pos = 0;
  while (pos <= path.size()) {
    const auto dot = path.find('.', pos);
    const std::string key(path.substr(pos, dot == std::string_view::npos ? dot : dot - pos));
    if (!v->is_object()) return nullptr;
    auto it = v->find(key);
    if (it == v->end()) return nullptr;
    v = &*it;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return v;
}

void check_source(const EsBulkCheck::Action& a, bool data_stream,
                  std::vector<std::string>& problems, const std::string& where) {
  const json& doc = *a.source;
  auto fail = [&](const std::string& what) { problems.push_back(where + ": " + what); };
  check_names(doc, "", problems);
  for (const auto& [k, _] : doc.items())
    if (!kKnownRoots.count(k)) fail("unexpected top-level field \"" + k + "\"");

  const json* ts = at_path(doc, "@timestamp");
  if (!ts)
    fail(data_stream ? "data stream document without @timestamp" : "no @timestamp");
  else if (!ts->is_string() || !is_rfc3339_utc(ts->get<std::string>()))
    fail("@timestamp is not RFC 3339 UTC: " + ts->dump());
  const json* message = at_path(doc, "message");
  if (!message || !message->is_string()) fail("message missing or not a string");

  auto want = [&](std::string_view path, const char* kind) {
    const json* v = at_path(doc, path);
    if (!v) return;
    const std::string k = kind;
    const bool ok = (k == "string" && v->is_string()) ||
                    (k == "integer" && v->is_number_integer()) ||
                    (k == "object" && v->is_object()) ||
                    (k == "date" && v->is_string() && is_rfc3339_utc(v->get<std::string>()));
    if (!ok) fail(std::string(path) + " is not " + k + ": " + v->dump().substr(0, 100));
  };
  want("log", "object");
  want("log.level", "string");
  if (const json* level = at_path(doc, "log.level");
      level && level->is_string() && !kEcsLevels.count(level->get<std::string>()))
    fail("log.level " + level->dump() + " is not a level name");
  want("log.origin.file.name", "string");
  want("log.origin.file.line", "integer");
  want("log.file.path", "string");
  want("log.syslog.severity.code", "integer");
  if (const json* code = at_path(doc, "log.syslog.severity.code");
      code && code->is_number_integer() && (code->get<int>() < 0 || code->get<int>() > 7))
    fail("log.syslog.severity.code out of 0..7");
  want("host.name", "string");
  want("service.name", "string");
  want("process.pid", "integer");
  want("process.name", "string");
  want("systemd.unit", "string");
  want("event.id", "string");
  want("event.created", "date");
  want("kjournal.level", "string");
  want("kjournal.attributes", "object");
  if (const json* attrs = at_path(doc, "kjournal.attributes"); attrs && attrs->is_object())
    for (const auto& [k, v] : attrs->items())
      if (!v.is_string()) fail("attribute " + k + " is not a string");
  const json* event_id = at_path(doc, "event.id");
  if (a.id && (!event_id || !event_id->is_string() || event_id->get<std::string>() != *a.id))
    fail("event.id differs from _id " + *a.id);
}

// The record-id shape: 32 lowercase hex digits.
bool is_record_id(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return std::isxdigit(c) && !std::isupper(c);
         });
}

// Elasticsearch's filter_path: comma-separated dotted patterns, `*` matching within one name;
// arrays are looked through.
bool glob(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern[0] == '*')
    return glob(pattern.substr(1), name) || (!name.empty() && glob(pattern, name.substr(1)));
  return !name.empty() && pattern[0] == name[0] && glob(pattern.substr(1), name.substr(1));
}

using Patterns = std::vector<std::vector<std::string>>;

std::optional<ordered_json> filter(const ordered_json& v, const Patterns& patterns) {
  if (v.is_array()) {
    ordered_json out = ordered_json::array();
    for (const auto& e : v)
      if (auto f = filter(e, patterns)) out.push_back(*f);
    if (out.empty()) return std::nullopt;
    return out;
  }
  if (!v.is_object()) return std::nullopt;
  ordered_json out = ordered_json::object();
  for (const auto& [k, child] : v.items()) {
    Patterns rest;
    bool whole = false;
    for (const auto& p : patterns) {
      if (p.empty() || !glob(p[0], k)) continue;
      if (p.size() == 1) whole = true;
      rest.emplace_back(p.begin() + 1, p.end());
    }
    if (whole) {
      out[k] = child;
    } else if (!rest.empty()) {
      if (auto f = filter(child, rest)) out[k] = *f;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string apply_filter_path(const ordered_json& answer, const std::string& filter_path) {
  if (filter_path.empty()) return answer.dump();
  Patterns patterns;
  std::istringstream in(filter_path);
  for (std::string p; std::getline(in, p, ',');) {
    std::vector<std::string> segments;
    std::istringstream ps(p);
    for (std::string s; std::getline(ps, s, '.');) segments.push_back(s);
    patterns.push_back(segments);
  }
  auto f = filter(answer, patterns);
  return f ? f->dump() : "{}";
}

std::string kind_of(const json& v) {
  if (v.is_object()) return "object";
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "boolean";
  return "null";
}

CannedResponse error_answer(int status, const std::string& type, const std::string& reason) {
  ordered_json body = {{"error", {{"type", type}, {"reason", reason}}}, {"status", status}};
  CannedResponse r;
  r.status = status;
  r.body = body.dump();
  r.headers = {{"Content-Type", "application/json"}};
  return r;
}

}  // namespace

ElasticsearchReceiver::ElasticsearchReceiver(ElasticsearchReceiverOptions options)
    : options_(std::move(options)),
      server_([this](const CapturedRequest& r) { return handle(r); }, options_.tls) {
  if (!options_.basic_user.empty()) {
    std::ostringstream encoded;
    Poco::Base64Encoder encoder(encoded);
    encoder << options_.basic_user << ':' << options_.basic_password;
    encoder.close();
    expected_authorization_ = "Basic " + encoded.str();
  }
}

ElasticsearchReceiver::~ElasticsearchReceiver() = default;

std::string ElasticsearchReceiver::url() const {
  return server_.url() + options_.base_path;
}

void ElasticsearchReceiver::script(EsScript script) {
  std::lock_guard lock(mutex_);
  scripts_.push_back(std::move(script));
}

size_t ElasticsearchReceiver::scripts_left() const {
  std::lock_guard lock(mutex_);
  return scripts_.size();
}

std::vector<std::string> ElasticsearchReceiver::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

std::vector<EsDocument> ElasticsearchReceiver::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<EsDocument> out;
  for (const auto& [key, source] : stored_) out.push_back({key.first, key.second, source});
  return out;
}

size_t ElasticsearchReceiver::document_count() const {
  std::lock_guard lock(mutex_);
  return stored_.size();
}

std::optional<EsDocument> ElasticsearchReceiver::document(const std::string& index,
                                                          const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = stored_.find({index, id});
  if (it == stored_.end()) return std::nullopt;
  return EsDocument{index, id, it->second};
}

std::vector<std::vector<std::string>> ElasticsearchReceiver::request_ids() const {
  std::lock_guard lock(mutex_);
  return request_ids_;
}

size_t ElasticsearchReceiver::bulk_requests() const {
  std::lock_guard lock(mutex_);
  return request_ids_.size();
}

void ElasticsearchReceiver::violation(std::string what) {
  violations_.push_back(std::move(what));
}

EsBulkCheck ElasticsearchReceiver::check_bulk_body(std::string_view body,
                                                   const std::vector<std::string>& data_streams) {
  EsBulkCheck check;
  auto fail = [&](std::string what) { check.violations.push_back(std::move(what)); };
  if (body.empty()) {
    fail("empty bulk body");
    check.malformed = true;
    return check;
  }
  if (body.back() != '\n') {
    fail("the bulk body does not end with a newline");
    check.malformed = true;
  }
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < body.size()) {
    auto end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    lines.emplace_back(body.substr(pos, end - pos));
    pos = end + 1;
  }
  if (lines.size() % 2 != 0) {
    fail("odd number of lines (" + std::to_string(lines.size()) + "): an action without source");
    check.malformed = true;
  }
  for (size_t i = 0; i < lines.size(); i += 2) {
    const std::string where = "action " + std::to_string(i / 2);
    if (lines[i].empty() || (i + 1 < lines.size() && lines[i + 1].empty())) {
      fail(where + ": empty line");
      check.malformed = true;
    }
    auto action = parse_strict(lines[i], check.violations, where);
    if (!action || !action->is_object() || action->size() != 1 || !action->begin()->is_object()) {
      fail(where + ": malformed action/metadata line");
      check.malformed = true;
      continue;
    }
    EsBulkCheck::Action a;
    a.op = action->begin().key();
    const json& meta = action->begin().value();
    if (a.op != "create") fail(where + ": action is \"" + a.op + "\", not create");
    for (const auto& [k, v] : meta.items()) {
      if (k == "_index" && v.is_string()) {
        a.index = v.get<std::string>();
      } else if (k == "_id" && v.is_string()) {
        a.id = v.get<std::string>();
      } else {
        fail(where + ": unexpected action metadata " + k + "=" + v.dump());
      }
    }
    if (a.index.empty()) fail(where + ": no _index");
    if (auto p = index_problem(a.index); !p.empty()) fail(where + ": " + p);
    if (!a.id)
      fail(where + ": no _id (a replay would store a second copy)");
    else if (!is_record_id(*a.id))
      fail(where + ": _id is not a record id: " + *a.id);
    const bool data_stream =
        std::find(data_streams.begin(), data_streams.end(), a.index) != data_streams.end();
    if (data_stream && a.op != "create") fail(where + ": data streams accept only create");
    if (i + 1 < lines.size()) {
      auto source = parse_strict(lines[i + 1], check.violations, where + " source");
      if (source && source->is_object()) {
        a.source = std::move(*source);
        check_source(a, data_stream, check.violations, where);
      } else if (source) {
        fail(where + ": source is not an object");
      }
    }
    check.actions.push_back(std::move(a));
  }
  return check;
}

CannedResponse ElasticsearchReceiver::handle(const CapturedRequest& request) {
  std::lock_guard lock(mutex_);
  const Poco::URI uri(request.uri);
  const std::string path = uri.getPath();
  if (!expected_authorization_.empty() &&
      request.header("Authorization") != expected_authorization_) {
    auto r = error_answer(401, "security_exception",
                          "unable to authenticate user for REST request [" + path + "]");
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"security\" charset=\"UTF-8\"");
    return r;
  }
  if (path != options_.base_path + "/_bulk") {
    violation("request to " + request.method + " " + request.uri + ", not " + options_.base_path +
              "/_bulk");
    return error_answer(404, "index_not_found_exception", "no such index [" + path + "]");
  }
  return bulk(request, uri.getRawQuery());
}

CannedResponse ElasticsearchReceiver::bulk(const CapturedRequest& request,
                                           const std::string& raw_query) {
  if (request.method != "POST" && request.method != "PUT")
    violation("bulk request with method " + request.method);
  std::string filter_path;
  for (const auto& [k, v] : Poco::URI("/?" + raw_query).getQueryParameters()) {
    if (!kKnownParameters.count(k)) violation("unknown bulk parameter " + k + "=" + v);
    if (k == "filter_path") filter_path = v;
  }
  const std::string type = request.header("Content-Type");
  if (!type.starts_with("application/x-ndjson") && !type.starts_with("application/json"))
    violation("Content-Type \"" + type + "\" is not application/x-ndjson");
  const std::string encoding = request.header("Content-Encoding");
  if (!encoding.empty() && encoding != "gzip") violation("Content-Encoding " + encoding);
  if (encoding == "gzip" &&
      (request.raw_body.size() < 2 || static_cast<unsigned char>(request.raw_body[0]) != 0x1f ||
       static_cast<unsigned char>(request.raw_body[1]) != 0x8b))
    violation("Content-Encoding gzip on a body that is not gzip");

  EsBulkCheck check = check_bulk_body(request.body, options_.data_streams);
  for (auto& v : check.violations)
    violation("request " + std::to_string(request_ids_.size()) + ": " + v);
  std::vector<std::string> ids;
  for (const auto& a : check.actions) ids.push_back(a.id.value_or(""));
  request_ids_.push_back(std::move(ids));

  std::optional<EsScript> script;
  if (!scripts_.empty()) {
    script = std::move(scripts_.front());
    scripts_.pop_front();
  }
  if (script && script->http) return *script->http;
  if (request.body.size() > options_.max_content_length) {
    CannedResponse r;
    r.status = 413;  // Elasticsearch answers 413 with an empty body
    return r;
  }
  if (check.malformed)
    return error_answer(400, "illegal_argument_exception",
                        check.violations.empty() ? "malformed bulk" : check.violations.front());

  ordered_json items = ordered_json::array();
  bool errors = false;
  for (size_t i = 0; i < check.actions.size(); ++i) {
    ordered_json item;
    if (script && script->items.count(i)) {
      const auto& f = script->items.at(i);
      item = {{"_index", check.actions[i].index},
              {"_id", check.actions[i].id.value_or("")},
              {"status", f.status},
              {"error", {{"type", f.type}, {"reason", f.reason}}}};
    } else {
      item = apply(check.actions[i]);
    }
    if (item.value("status", 0) >= 300) errors = true;
    items.push_back({{check.actions[i].op, item}});
  }
  ordered_json answer = {{"took", 1}, {"errors", errors}, {"items", items}};
  CannedResponse r;
  r.body = apply_filter_path(answer, filter_path);
  r.headers = {{"Content-Type", "application/json"}};
  return r;
}

ordered_json ElasticsearchReceiver::apply(const EsBulkCheck::Action& a) {
  ordered_json item = {{"_index", a.index}};
  auto failed = [&](int status, const std::string& type, const std::string& reason) {
    item["status"] = status;
    item["error"] = {{"type", type}, {"reason", reason}, {"index", a.index}};
    return item;
  };
  if (!a.source) return failed(400, "mapper_parsing_exception", "failed to parse");
  const std::string id = a.id.value_or("auto-" + std::to_string(auto_ids_++));
  item["_id"] = id;
  if (stored_.count({a.index, id}))
    return failed(409, "version_conflict_engine_exception",
                  "[" + id + "]: version conflict, document already exists (current version [1])");
  if (!options_.reject_message_containing.empty()) {
    const auto m = a.source->find("message");
    if (m != a.source->end() && m->is_string() &&
        m->get<std::string>().find(options_.reject_message_containing) != std::string::npos)
      return failed(
          400, "mapper_parsing_exception",
          "failed to parse field [message] of type [text] in document with id '" + id + "'");
  }
  // Dynamic mapping: the first document fixes each field's kind; a later document with
  // another kind at the same path is refused, as Elasticsearch refuses it.
  auto& mapping = mappings_[a.index];
  std::map<std::string, std::string> added;
  std::string conflict;
  std::function<void(const json&, const std::string&)> walk = [&](const json& v,
                                                                  const std::string& path) {
    for (const auto& [k, child] : v.items()) {
      const std::string p = path.empty() ? k : path + "." + k;
      const std::string kind = kind_of(child);
      auto known = mapping.find(p);
      const std::string have =
          known != mapping.end() ? known->second : (added.count(p) ? added[p] : "");
      if (!have.empty() && have != kind && !(have == "string" && kind == "number")) {
        if (conflict.empty()) conflict = p + " is mapped as " + have + ", got " + kind;
        continue;
      }
      if (have.empty() && kind != "null") added[p] = kind;
      if (child.is_object()) walk(child, p);
    }
  };
  walk(*a.source, "");
  if (!conflict.empty())
    return failed(400, "mapper_parsing_exception", "failed to parse: " + conflict);
  mapping.insert(added.begin(), added.end());
  stored_[{a.index, id}] = *a.source;
  item["_version"] = 1;
  item["result"] = "created";
  item["status"] = 201;
  return item;
}

}  // namespace kjt
