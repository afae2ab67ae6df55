// `@spanwise/core/register` is a side-effect entry: importing it starts tracing. It exports nothing.
export {};
