-- A feather knocked off a shot duck: drifts down for a moment, then vanishes.
local feather = { radius = 3 }

function feather.on_update(id, dt)
  local age = ams.get_var(id, "age") + dt
  ams.set_var(id, "age", age)
  ams.set_vy(id, ams.get_vy(id) + 60 * dt)
  if age > 1.2 then ams.destroy(id) end
end

return feather
