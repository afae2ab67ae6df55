export function writeDocs() {
  return 'pending';
}
