/**
 * The one import seam for cdk8s-plus. Moving to a newer cdk8s-plus-NN is a change to this line.
 */
export * from 'cdk8s-plus-27';
