// Synthetic frames shaped like the duckhunt demo's (design section 3 labels), for the panel's dev server,
// the performance measurements and the layout screenshots. Deterministic for a given frame number.

/** A frame of about `calls` calls: engine layers, one on_update per entity with ams.* callbacks under it. */
export function sampleFrame(n, { calls = 200, start = 1_700_000_000, rollbackEvery = 0 } = {}) {
  let id = n * 100_000;
  const out = [];
  const add = (parent, label, module, func, t0, dur, extra = {}) => {
    const c = { id: ++id, parent_id: parent, label, module, func, start: t0, duration: dur, args: {},
                entity_id: null, lua_code: false, lua_callback: false,
                file: `/src/examples/duckhunt/${module}.cpp`, line: 10 + func.length, thread: 0, ...extra };
    out.push(c);
    return c;
  };
  const perEntity = 4;
  const entities = Math.max(1, Math.floor((calls - 8) / (perEntity + 1)));
  const budget = 9 + 6 * Math.sin(n / 13) + ((n * 7919) % 11) / 3;
  const frame = add(null, 'Frame', 'game_engine', 'update', 0, budget + 1.2, { args: { dt: 0.0166 } });
  const upd = add(frame.id, 'Frame Update', 'game_engine', 'do_frame_update', 0.3, budget);
  const lua = add(upd.id, 'Lua Entity Updates', 'lua_engine', 'update', 0.4, budget * 0.7);
  const slot = (budget * 0.7 - 0.2) / entities;
  for (let e = 0; e < entities; ++e) {
    const ent = `duck_${e + 1}`;
    const t0 = 0.5 + e * slot;
    const d = slot * 0.9;
    const on = add(lua.id, `Lua → on_update(${ent})`, 'lifecycle', 'on_entity_update', t0, d,
      { entity_id: ent, lua_code: true, file: '/src/examples/duckhunt/scripts/duck.lua', line: 12 });
    for (let k = 0; k < perEntity; ++k) {
      const api = ['set_x', 'set_y', 'set_vy', 'play_sound'][k % 4];
      add(on.id, `ams.${api}`, 'lua_api', api, t0 + (k + 0.5) * (d / (perEntity + 1)), d / (perEntity + 2),
        { lua_callback: true, args: { entity_id: ent, v: Math.round(100 * Math.sin(n + e + k)) / 10 } });
    }
  }
  const t1 = 0.5 + budget * 0.7;
  add(upd.id, 'Check Collisions', 'game_engine', 'check_collisions', t1, budget * 0.15);
  add(upd.id, 'Skin Update', 'skin', 'update', t1 + budget * 0.15, budget * 0.1);
  const rollback = rollbackEvery > 0 && n % rollbackEvery === 0
    ? { triggered: true, target_timestamp: start + (n - 8) / 60, frames_resimulated: 8, snapshot_age_ms: 133.3 }
    : null;
  if (rollback) add(frame.id, 'Rollback', 'rollback', 'rollback_and_resimulate', budget, 1.0);
  return { frame: n, timestamp: start + n / 60, duration_ms: budget + 1.4, calls: out, rollback, overflow: 0 };
}
