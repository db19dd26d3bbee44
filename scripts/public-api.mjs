// Lists a crate's public API from its rustdoc JSON, one item a line, sorted, so that a change
// of the public API shows up as a diff in review. Used by scripts/public-api.sh.
//
//   node scripts/public-api.mjs target/wasm32-unknown-unknown/doc/wasm_ws_client.json
//
// Lines: modules, types with their public fields and variants, functions and methods with
// their signatures, constants and type aliases, and which traits each type implements
// (blanket and auto-trait impls left out: they follow from the rest).
import { readFileSync } from "node:fs";

const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));
const index = doc.index;
const lines = new Set();

const join = (items, sep = ", ") => items.filter((s) => s !== "").join(sep);

function args(a) {
  if (!a) return "";
  if (a.angle_bracketed) {
    const parts = a.angle_bracketed.args.map((arg) =>
      arg.type ? type(arg.type) : arg.lifetime ? arg.lifetime : arg.const ? arg.const.expr : "_",
    );
    const constraints = a.angle_bracketed.constraints.map(
      (c) => `${c.name} = ${c.binding?.equality?.type ? type(c.binding.equality.type) : "?"}`,
    );
    const all = [...parts, ...constraints];
    return all.length ? `<${all.join(", ")}>` : "";
  }
  if (a.parenthesized) {
    const out = a.parenthesized.output ? ` -> ${type(a.parenthesized.output)}` : "";
    return `(${a.parenthesized.inputs.map(type).join(", ")})${out}`;
  }
  return "";
}

const path = (p) => `${p.path}${args(p.args)}`;

function bound(b) {
  if (b.trait_bound) {
    const maybe = b.trait_bound.modifier === "maybe" ? "?" : "";
    return `${maybe}${path(b.trait_bound.trait)}`;
  }
  if (b.outlives) return b.outlives;
  return "?";
}

function type(t) {
  if (t === "infer") return "_";
  if (t.resolved_path) return path(t.resolved_path);
  if (t.primitive) return t.primitive;
  if (t.generic) return t.generic;
  if (t.borrowed_ref) {
    const r = t.borrowed_ref;
    return `&${r.lifetime ? r.lifetime + " " : ""}${r.is_mutable ? "mut " : ""}${type(r.type)}`;
  }
  if (t.raw_pointer) return `*${t.raw_pointer.is_mutable ? "mut" : "const"} ${type(t.raw_pointer.type)}`;
  if (t.tuple) return `(${t.tuple.map(type).join(", ")})`;
  if (t.slice) return `[${type(t.slice)}]`;
  if (t.array) return `[${type(t.array.type)}; ${t.array.len}]`;
  if (t.impl_trait) return `impl ${t.impl_trait.map(bound).join(" + ")}`;
  if (t.dyn_trait) {
    const traits = t.dyn_trait.traits.map((p) => path(p.trait));
    if (t.dyn_trait.lifetime) traits.push(t.dyn_trait.lifetime);
    return `dyn ${traits.join(" + ")}`;
  }
  if (t.qualified_path) {
    const q = t.qualified_path;
    return q.trait ? `<${type(q.self_type)} as ${path(q.trait)}>::${q.name}` : `${type(q.self_type)}::${q.name}`;
  }
  if (t.function_pointer) {
    const f = t.function_pointer;
    const out = f.sig.output ? ` -> ${type(f.sig.output)}` : "";
    return `fn(${f.sig.inputs.map(([, ty]) => type(ty)).join(", ")})${out}`;
  }
  return JSON.stringify(t);
}

function generics(g) {
  const params = g.params
    .filter((p) => !(p.kind.type && p.kind.type.is_synthetic))
    .map((p) => {
      if (p.kind.lifetime) return p.name;
      if (p.kind.const) return `const ${p.name}: ${type(p.kind.const.type)}`;
      const bounds = p.kind.type.bounds.map(bound);
      return bounds.length ? `${p.name}: ${bounds.join(" + ")}` : p.name;
    });
  return params.length ? `<${params.join(", ")}>` : "";
}

function where(g) {
  const preds = g.where_predicates
    .map((w) => (w.bound_predicate ? `${type(w.bound_predicate.type)}: ${w.bound_predicate.bounds.map(bound).join(" + ")}` : ""))
    .filter(Boolean);
  return preds.length ? ` where ${preds.join(", ")}` : "";
}

function signature(name, f) {
  const h = f.header;
  const qualifiers = join([h.is_const ? "const" : "", h.is_async ? "async" : "", h.is_unsafe ? "unsafe" : ""], " ");
  const inputs = f.sig.inputs.map(([n, t]) => {
    if (n === "self") {
      if (t.generic === "Self") return "self";
      if (t.borrowed_ref && t.borrowed_ref.type.generic === "Self")
        return `&${t.borrowed_ref.is_mutable ? "mut " : ""}self`;
    }
    return `${n}: ${type(t)}`;
  });
  const out = f.sig.output ? ` -> ${type(f.sig.output)}` : "";
  return `${qualifiers ? qualifiers + " " : ""}fn ${name}${generics(f.generics)}(${inputs.join(", ")})${out}${where(f.generics)}`;
}

// `#[non_exhaustive]` is part of the contract: users must write a wildcard arm or `..`.
const attributes = (item) => (JSON.stringify(item.attrs ?? []).includes("non_exhaustive") ? "#[non_exhaustive] " : "");

const isPublic = (item) => item.visibility === "public" || item.visibility === "default";

function visitImpls(prefix, impls) {
  for (const id of impls) {
    const item = index[id];
    if (!item) continue;
    const imp = item.inner.impl;
    if (imp.is_synthetic || imp.blanket_impl) continue;
    if (imp.trait) {
      lines.add(`impl ${imp.is_negative ? "!" : ""}${path(imp.trait)} for ${prefix}`);
      continue;
    }
    for (const member of imp.items) {
      const m = index[member];
      if (!m || !isPublic(m)) continue;
      if (m.inner.function) lines.add(`pub ${signature(`${prefix}::${m.name}`, m.inner.function)}`);
      else if (m.inner.assoc_const) lines.add(`pub const ${prefix}::${m.name}: ${type(m.inner.assoc_const.type)}`);
    }
  }
}

function visit(id, prefix, name) {
  const item = index[id];
  if (!item) {
    // A re-export of another crate's item.
    const external = doc.paths[id];
    if (external) lines.add(`pub use ${prefix}::${name} = ${external.path.join("::")}`);
    return;
  }
  const inner = item.inner;
  const here = `${prefix}::${name ?? item.name}`;
  if (inner.use) {
    if (inner.use.is_glob) {
      const target = index[inner.use.id];
      for (const child of target?.inner.module?.items ?? []) visit(child, prefix);
      return;
    }
    return visit(inner.use.id, prefix, inner.use.name);
  }
  if (!isPublic(item)) return;
  if (inner.module) {
    if (!inner.module.is_crate) lines.add(`pub mod ${here}`);
    for (const child of inner.module.items) visit(child, inner.module.is_crate ? item.name : here);
  } else if (inner.struct) {
    const s = inner.struct;
    const hidden = s.kind.plain?.has_stripped_fields || s.kind.tuple?.includes(null) ? " { .. }" : "";
    lines.add(`${attributes(item)}pub struct ${here}${generics(s.generics)}${where(s.generics)}${hidden}`);
    const fields = s.kind.plain?.fields ?? s.kind.tuple?.filter((f) => f !== null) ?? [];
    fields.forEach((f, i) => {
      const field = index[f];
      if (field && isPublic(field)) lines.add(`pub field ${here}::${s.kind.tuple ? i : field.name}: ${type(field.inner.struct_field)}`);
    });
    visitImpls(here, s.impls);
  } else if (inner.enum) {
    const e = inner.enum;
    lines.add(`${attributes(item)}pub enum ${here}${generics(e.generics)}${where(e.generics)}`);
    for (const v of e.variants) {
      const variant = index[v];
      const kind = variant.inner.variant.kind;
      let shape = "";
      if (kind.tuple) shape = `(${kind.tuple.map((f) => (f === null ? "_" : type(index[f].inner.struct_field))).join(", ")})`;
      if (kind.struct) shape = ` { ${kind.struct.fields.map((f) => `${index[f].name}: ${type(index[f].inner.struct_field)}`).join(", ")} }`;
      lines.add(`pub variant ${here}::${variant.name}${shape}`);
    }
    visitImpls(here, e.impls);
  } else if (inner.function) {
    lines.add(`pub ${signature(here, inner.function)}`);
  } else if (inner.constant) {
    lines.add(`pub const ${here}: ${type(inner.constant.type)}`);
  } else if (inner.type_alias) {
    lines.add(`pub type ${here}${generics(inner.type_alias.generics)} = ${type(inner.type_alias.type)}`);
  } else if (inner.trait) {
    lines.add(`pub trait ${here}${generics(inner.trait.generics)}`);
  } else if (inner.macro) {
    lines.add(`pub macro ${here}!`);
  }
}

visit(doc.root, "");
process.stdout.write([...lines].sort().join("\n") + "\n");
