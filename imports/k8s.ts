// Kubernetes API types (L1 constructs) for the Kubernetes version cdk8s-plus-27 targets.
// `cdk8s import k8s` needs the network, so we re-export the generated types that
// cdk8s-plus-27 ships instead of generating our own copy.
export * from 'cdk8s-plus-27/lib/imports/k8s';
