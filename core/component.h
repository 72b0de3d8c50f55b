// The normalized component name of a record: what `-c NAME` matches and what exporters use
// as service.name. One name per program whether it logs to the journal, a file or a pod.
#pragma once

#include <string>
#include <string_view>

namespace kj {

// kubelet.service -> kubelet; snap.microk8s.daemon-kubelite.service -> microk8s.daemon-kubelite;
// kube-scheduler-node-1 (static pod name) is not handled here (file collector's job).
std::string_view component_from_unit(std::string_view unit);

// The Kubernetes node components kjournal shows by default (no -u, no --all).
inline constexpr std::string_view kKubernetesComponents[] = {
    "kubelet",        "containerd", "crio",           "docker",
    "cri-docker",     "kube-proxy", "kube-apiserver", "kube-controller-manager",
    "kube-scheduler", "etcd",
};

}  // namespace kj
