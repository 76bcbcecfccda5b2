-- The duck hunt's rules and actions. The engine reads the rule tables once at start-up and calls the
-- functions by name: on_round_start, collision.<action>, input.<action>, scheduled.<name>.
-- Scripts must stay deterministic: use ams.random (math.random is the same generator), keep per-duck
-- state in ams.set_var, never in Lua globals, so that rollbacks replay them exactly.
local game = {}

game.round_seconds = 30

game.collisions = {
  { a = "duck", b = "duck", action = "bounce" },
}

game.transforms = {
  { from = "duck", var = "hp", below = 0.5, into = "falling" },
}

game.hit = { kinds = { "duck" }, slop = 4, action = "shot" }

function game.on_round_start(round, ducks)
  for _ = 1, ducks do
    local x = ams.random() * (ams.width() - 100) + 50
    local y = ams.random() * (ams.height() * 0.6) + 40
    local speed = 60 + 20 * round + ams.random() * 60
    local vx = ams.random() < 0.5 and -speed or speed
    local id = ams.spawn("duck", x, y, vx, (ams.random() - 0.5) * 80)
    ams.set_var(id, "hp", 1)
    ams.set_var(id, "phase", ams.random() * 6.28)
  end
end

game.collision = {}

-- Ducks that meet swap their horizontal speeds, but only while approaching, so they separate.
function game.collision.bounce(a, b)
  local dx = ams.get_x(b) - ams.get_x(a)
  local va, vb = ams.get_vx(a), ams.get_vx(b)
  if dx * (vb - va) < 0 then
    ams.set_vx(a, vb)
    ams.set_vx(b, va)
  end
end

-- A hit: the duck loses its life (the engine's transform rule turns it into a falling duck).
function game.collision.shot(duck)
  ams.set_var(duck, "hp", ams.get_var(duck, "hp") - 1)
  ams.play_sound("quack")
  ams.add_score(100)
  local x, y = ams.get_x(duck), ams.get_y(duck)
  for _ = 1, 3 do
    ams.spawn("feather", x, y, (ams.random() - 0.5) * 120, -ams.random() * 80)
  end
  ams.schedule(0.5, "flap", duck)
end

game.input = {}

function game.input.shoot(x, y)
  ams.play_sound("shot")
end

game.scheduled = {}

function game.scheduled.flap(duck)
  if ams.exists(duck) then ams.play_sound("flap") end
end

return game
