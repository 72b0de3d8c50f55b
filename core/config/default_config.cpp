#include "core/config/default_config.h"

namespace kj::config {

std::string_view default_config_yaml() {
  // The file globs are the ones `kjournal` (query mode) reads by default, without its
  // rotated siblings: the agent follows files from now on and rotation is tracked live.
  return R"(# kjournal agent: embedded default configuration
sources:
  - name: journal
    type: journal          # units: empty = the Kubernetes node units
    start_at: end
  - name: files
    type: file
    paths:
      - /var/log/kube-apiserver.log
      - /var/log/kube-controller-manager.log
      - /var/log/kube-scheduler.log
      - /var/log/kube-proxy.log
      - /var/log/kubelet.log
      - /var/log/containerd.log
      - /var/log/docker.log
      - /var/log/crio.log
      - /var/log/etcd.log
      - /var/log/cloud-controller-manager.log
      - /var/log/cluster-autoscaler.log
      - /var/log/pods/kube-system_*/*/*.log
    start_at: end
exporters:
  - name: stdout
    type: stdout
)";
}

}  // namespace kj::config
