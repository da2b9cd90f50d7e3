# A calm bedroom: double bed between nightstands, wardrobe, dresser with a mirror above it.
# Run: worldsmith exec examples/bedroom.py --out out/bedroom
room("bedroom", width=4.2, depth=3.8, height=2.7)
door("wall_0", at=0.82, width=0.85, hinge="end")
window("wall_2", at=0.75, width=1.2, height=1.3, sill=0.95)
material("floor", "grey wool carpet")
material("walls", "pale blue paint")

bed = add("bed", width=1.6, depth=2.1, color="white")
place(bed, against="wall_3", at=0.55)
n = wall_length("wall_3")
for side in [-1, 1]:
    stand = add("nightstand", width=0.45, depth=0.4, height=0.55)
    place(stand, against="wall_3", at=0.55 + side * (bed.width / 2 + 0.3) / n)
    add("table_lamp", on=stand)

wardrobe = add("wardrobe", width=1.2, depth=0.6, height=2.1)
place(wardrobe, against="wall_1", at=0.55)
dresser = add("dresser", width=1.0, depth=0.45, height=0.8)
place(dresser, against="wall_2", at=0.25)
mirror = add("mirror", width=0.6, height=0.9)
place(mirror, against="wall_2", at=0.25, height=1.05)
place(add("rug", width=2.2, depth=1.6), at=(1.9, bed.y), yaw=90)   # half under the bed
place(add("potted_plant"), at=(3.95, 3.5))

light("ceiling", watts=50, kelvin=3000)
