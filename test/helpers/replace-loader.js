// A webpack loader for the versioning test: rewrites a workflow source file before it is compiled,
// as a developer's change would. Options: { replacements: [[from, to], …] }; each `from` must occur.
module.exports = function replaceLoader(source) {
  const { replacements } = this.getOptions();
  let out = source;
  for (const [from, to] of replacements) {
    if (!out.includes(from))
      throw new Error(`replace-loader: ${JSON.stringify(from)} not found in ${this.resourcePath}`);
    out = out.split(from).join(to);
  }
  return out;
};
