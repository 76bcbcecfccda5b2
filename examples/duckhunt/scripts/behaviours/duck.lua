-- A flying duck: weaves up and down, turns at the walls, climbs away from the grass.
local duck = { radius = 14 }

function duck.on_update(id, dt)
  local x, y = ams.get_x(id), ams.get_y(id)
  local vx, vy = ams.get_vx(id), ams.get_vy(id)
  local phase = ams.get_var(id, "phase") + dt * 3
  ams.set_var(id, "phase", phase)
  local target = math.sin(phase) * 90
  vy = vy + (target - vy) * math.min(1, dt * 2)
  if (y < 30 and vy < 0) or (y > ams.height() - 120 and vy > 0) then vy = -vy end
  ams.set_vy(id, vy)
  if (x < 20 and vx < 0) or (x > ams.width() - 20 and vx > 0) then
    ams.set_vx(id, -vx)
  end
end

return duck
