-- A shot duck: drops to the ground and disappears.
local falling = { radius = 14 }

function falling.on_update(id, dt)
  ams.set_vy(id, ams.get_vy(id) + 900 * dt)
  ams.set_vx(id, ams.get_vx(id) * 0.98)
  if ams.get_y(id) > ams.height() then
    ams.play_sound("thud")
    ams.destroy(id)
  end
end

return falling
