# doctor reports the CPU, the kernel dispatch level, threads, components, kernels and data.
tessera doctor
