// Checks config/kubernetes: every object validates against the Kubernetes OpenAPI schema
// (kubernetes-models), and the DaemonSet keeps the properties the deployment relies on.
// Usage: node check_manifests.js MANIFEST_DIR [KJOURNAL_BINARY]
// With the binary, the ConfigMap's agent configuration is checked by `kjournal check-config`.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const YAML = require("yaml");

const dir = process.argv[2];
const binary = process.argv[3];
if (!dir) {
  console.error("usage: node check_manifests.js MANIFEST_DIR [KJOURNAL_BINARY]");
  process.exit(2);
}

let passed = 0;
const failures = [];
function check(name, ok, detail) {
  if (ok) passed++;
  else failures.push(detail ? `${name}: ${detail}` : name);
}

// kubernetes-models lays its classes out as <group>/<version>/<Kind>, core as v1/<Kind>:
// the apiVersion is the module path either way.
function modelFor(apiVersion, kind) {
  return require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
}

function validate(obj) {
  const Model = modelFor(obj.apiVersion, obj.kind);
  new Model(obj).validate();
}

// --- the validator itself must reject a broken object, or nothing below means anything
{
  const { DaemonSet } = require("kubernetes-models/apps/v1/DaemonSet");
  let threw = false;
  try {
    new DaemonSet({
      metadata: { name: "x" },
      spec: { selector: {}, template: { spec: { containers: [{ name: "a",
        volumeMounts: [{ name: "v", mountPath: "/v", readOnly: "yes" }] }] } } },
    }).validate();
  } catch (e) {
    threw = /readOnly must be boolean/.test(e.message);
  }
  check("validator rejects readOnly: \"yes\"", threw);
}

// --- parse and validate every manifest
const objects = {};  // file -> [objects]
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  if (file === "kustomization.yaml") continue;
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"));
  objects[file] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      check(`${file} parses`, false, doc.errors.map((e) => e.message).join("; "));
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    objects[file].push(obj);
    try {
      validate(obj);
      check(`${file} ${obj.kind} validates`, true);
    } catch (e) {
      check(`${file} ${obj.kind}/${obj.metadata && obj.metadata.name} validates`, false,
            e.message);
    }
  }
}
const all = Object.values(objects).flat();
const one = (file, kind) => (objects[file] || []).find((o) => o.kind === kind);

// --- kustomization: lists the default set, which exists; the fallback stays out of it
{
  const k = YAML.parse(fs.readFileSync(path.join(dir, "kustomization.yaml"), "utf8"));
  for (const r of k.resources) check(`kustomization resource ${r} exists`, fs.existsSync(path.join(dir, r)));
  for (const f of Object.keys(objects).filter((f) => f !== "daemonset-privileged.yaml"))
    check(`kustomization lists ${f}`, k.resources.includes(f));
  check("kustomization leaves out daemonset-privileged.yaml",
        !k.resources.includes("daemonset-privileged.yaml"));
}

// --- namespace and cross references
const ns = one("namespace.yaml", "Namespace");
check("Namespace exists", !!ns);
const nsName = ns && ns.metadata.name;
check("namespace enforces pod-security level privileged (hostPath volumes)",
      ns && ns.metadata.labels["pod-security.kubernetes.io/enforce"] === "privileged");
for (const o of all.filter((o) => o.kind !== "Namespace"))
  check(`${o.kind}/${o.metadata.name} is in namespace ${nsName}`, o.metadata.namespace === nsName);

const sa = one("serviceaccount.yaml", "ServiceAccount");
const cm = one("configmap.yaml", "ConfigMap");
const svc = one("service.yaml", "Service");
check("ServiceAccount, ConfigMap, Service exist", !!sa && !!cm && !!svc);

// --- the agent configuration in the ConfigMap
const agentYaml = cm && cm.data["agent.yaml"];
const agent = agentYaml ? YAML.parse(agentYaml) : {};
check("agent config listens on 0.0.0.0:2021 (probes reach it)",
      agent.server && agent.server.listen === "0.0.0.0:2021", JSON.stringify(agent.server));
check("agent config has a journal source", (agent.sources || []).some((s) => s.type === "journal"));
if (binary && agentYaml) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-manifest-"));
  const file = path.join(tmp, "agent.yaml");
  fs.writeFileSync(file, agentYaml);
  try {
    execFileSync(binary, ["check-config", file], { stdio: "pipe" });
    check("kjournal check-config accepts the ConfigMap's agent.yaml", true);
  } catch (e) {
    check("kjournal check-config accepts the ConfigMap's agent.yaml", false,
          String(e.stderr || e.stdout || e.message));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

// --- both DaemonSets
function checkDaemonSet(file, ds, privileged) {
  const t = `${file}:`;
  check(`${t} DaemonSet exists`, !!ds);
  if (!ds) return;
  const spec = ds.spec;
  const pod = spec.template.spec;
  const labels = spec.template.metadata.labels;
  for (const [k, v] of Object.entries(spec.selector.matchLabels))
    check(`${t} selector ${k} matches the pod labels`, labels[k] === v);
  const u = spec.updateStrategy || {};
  check(`${t} RollingUpdate maxUnavailable 1 maxSurge 0`,
        u.type === "RollingUpdate" && u.rollingUpdate && u.rollingUpdate.maxUnavailable === 1 &&
          u.rollingUpdate.maxSurge === 0, JSON.stringify(u));
  check(`${t} tolerates every taint ({operator: Exists}, no key)`,
        (pod.tolerations || []).some((x) => x.operator === "Exists" && !x.key && !x.effect));
  check(`${t} priorityClassName system-node-critical`, pod.priorityClassName === "system-node-critical");
  check(`${t} uses the ServiceAccount`, sa && pod.serviceAccountName === sa.metadata.name);
  check(`${t} does not mount an API token`, pod.automountServiceAccountToken === false);
  check(`${t} pod seccomp RuntimeDefault`,
        pod.securityContext && pod.securityContext.seccompProfile &&
          pod.securityContext.seccompProfile.type === "RuntimeDefault");
  check(`${t} one container`, pod.containers.length === 1);
  const c = pod.containers[0];
  const sc = c.securityContext || {};

  // identity and confinement
  check(`${t} runs as uid 0`, sc.runAsUser === 0);
  check(`${t} read-only root file system`, sc.readOnlyRootFilesystem === true);
  if (privileged) {
    check(`${t} is the privileged fallback`, sc.privileged === true);
  } else {
    check(`${t} not privileged`, sc.privileged !== true);
    check(`${t} allowPrivilegeEscalation false`, sc.allowPrivilegeEscalation === false);
    check(`${t} drops ALL capabilities and adds none`,
          sc.capabilities && (sc.capabilities.drop || []).includes("ALL") &&
            !(sc.capabilities.add || []).length, JSON.stringify(sc.capabilities));
    check(`${t} container seccomp RuntimeDefault`,
          !sc.seccompProfile || sc.seccompProfile.type === "RuntimeDefault");
  }

  // command, environment, port, probes, resources
  check(`${t} runs the agent with the ConfigMap's file`,
        JSON.stringify(c.args) === JSON.stringify(["agent", "--config", "/etc/kjournal/agent.yaml"]),
        JSON.stringify(c.args));
  const nodeName = (c.env || []).find((e) => e.name === "NODE_NAME");
  check(`${t} NODE_NAME from the downward API spec.nodeName`,
        nodeName && nodeName.valueFrom && nodeName.valueFrom.fieldRef &&
          nodeName.valueFrom.fieldRef.fieldPath === "spec.nodeName");
  const port = (c.ports || []).find((p) => p.name === "metrics");
  check(`${t} containerPort 2021 named metrics`, port && port.containerPort === 2021);
  for (const [probe, p] of [["livenessProbe", "/healthz"], ["readinessProbe", "/readyz"]]) {
    const pr = c[probe];
    check(`${t} ${probe} httpGet ${p} on port metrics`,
          pr && pr.httpGet && pr.httpGet.path === p && pr.httpGet.port === "metrics",
          JSON.stringify(pr));
  }
  const res = c.resources || {};
  check(`${t} resource requests and a memory limit`,
        res.requests && res.requests.cpu && res.requests.memory && res.limits && res.limits.memory);

  // volumes: host paths read-only, except the state directory
  const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
  const mounts = c.volumeMounts;
  const hostMount = (hostPath) => {
    const m = mounts.find((m) => volumes[m.name] && volumes[m.name].hostPath &&
                              volumes[m.name].hostPath.path === hostPath);
    return m && { mount: m, volume: volumes[m.name] };
  };
  for (const [hostPath, type] of [["/var/log", "Directory"], ["/run/log/journal", "DirectoryOrCreate"],
                                  ["/etc/machine-id", "File"]]) {
    const hm = hostMount(hostPath);
    check(`${t} mounts host ${hostPath} read-only at the same path`,
          hm && hm.mount.readOnly === true && hm.mount.mountPath === hostPath,
          hm && JSON.stringify(hm.mount));
    check(`${t} host ${hostPath} has type ${type}`, hm && hm.volume.hostPath.type === type);
  }
  const state = hostMount("/var/lib/kjournal");
  check(`${t} state directory is a DirectoryOrCreate hostPath at state_dir`,
        state && state.volume.hostPath.type === "DirectoryOrCreate" &&
          state.mount.mountPath === agent.state_dir && state.mount.readOnly !== true);
  for (const m of mounts) {
    const v = volumes[m.name];
    check(`${t} mount ${m.name} has a volume`, !!v);
    if (!v) continue;
    if (v.hostPath && v.hostPath.path !== "/var/lib/kjournal")
      check(`${t} host path ${v.hostPath.path} mounted read-only`, m.readOnly === true);
    if (v.configMap || v.secret) check(`${t} ${m.name} mounted read-only`, m.readOnly === true);
  }
  for (const v of pod.volumes.filter((v) => v.hostPath)) {
    const p = v.hostPath.path.replace(/\/+$/, "");
    // A missing hostPath of type "" is created by the runtime too (MkdirAll), so every
    // hostPath names its type, and nothing may ever create the host's /var/log/journal
    // (journald's Storage=auto would turn persistent).
    check(`${t} hostPath ${p} names its type`, !!v.hostPath.type);
    if (p === "/var/log/journal" || p.startsWith("/var/log/journal/"))
      check(`${t} no DirectoryOrCreate on ${p}`,
            v.hostPath.type !== "DirectoryOrCreate" && v.hostPath.type !== "");
    if (p === "/var/log" || p === "/var")
      check(`${t} ${p} is never created`, v.hostPath.type === "Directory");
  }
  const cfg = mounts.find((m) => volumes[m.name] && volumes[m.name].configMap);
  check(`${t} ConfigMap mounted at /etc/kjournal`,
        cfg && cfg.mountPath === "/etc/kjournal" && cm &&
          volumes[cfg.name].configMap.name === cm.metadata.name);

  // the Service scrapes these pods on this port
  if (svc) {
    for (const [k, v] of Object.entries(svc.spec.selector))
      check(`${t} Service selector ${k} matches the pod labels`, labels[k] === v);
    check(`${t} Service targets port metrics`,
          svc.spec.ports.some((p) => p.targetPort === "metrics" && p.port === 2021));
  }
}
checkDaemonSet("daemonset.yaml", one("daemonset.yaml", "DaemonSet"), false);
checkDaemonSet("daemonset-privileged.yaml", one("daemonset-privileged.yaml", "DaemonSet"), true);
check("Service has prometheus.io annotations",
      svc && svc.metadata.annotations && svc.metadata.annotations["prometheus.io/scrape"] === "true" &&
        svc.metadata.annotations["prometheus.io/port"] === "2021");

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`manifests: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
