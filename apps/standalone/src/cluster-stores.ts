// The cluster stores are shared with the cluster services (libs/runtime).
export { CLUSTER_NAMESPACE, openClusterStores, type ClusterStores, type ClusterStoresOptions } from '@engram/runtime';
