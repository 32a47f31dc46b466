/**
 * `derive` computed once per object and remembered while the object lives: for what several readers
 * derive from the same finished history or op pairs, which no one changes once made.
 */
export function oncePer<K extends object, V>(derive: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    const value = derive(key);
    known.set(key, value);
    return value;
  };
}
