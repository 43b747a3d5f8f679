// The operator tool's domain: keys, seal, sim, eval.
