/**
 * The DOCR supply chain around the manifests: Compose override with the DOCR tags, the build
 * matrix, the generated workflows, release metadata, the Argo CD Application, the pull secret, the
 * `secrets` command's renderers and dist/Kustomization.
 */
export * from './model';
export * from './override';
export * from './matrix';
export * from './release';
export * from './kustomization';
export * from './argocd';
export * from './pull-secret';
export * from './secrets';
export * from './actions';
export * from './workflows';
