package domain

// Fold tables: the lower-case ASCII letter each precomposed Latin letter
// reduces to once its accents are removed (its canonical decomposition
// without combining marks), '_' where there is none. Đ and đ fold to d,
// as Vietnamese search expects.

const foldLatinFirst, foldLatinLast = 0x00C0, 0x024F

var foldLatin = "" +
	"aaaaaa_ceeeeiiii_nooooo__uuuuy__aaaaaa_ceeeeiiii_nooooo__uuuuy_y" +
	"aaaaaaccccccccddddeeeeeeeeeegggggggghh__iiiiiiiii___jjkk_llllll_" +
	"___nnnnnn___oooooo__rrrrrrsssssssstttt__uuuuuuuuuuuuwwyyyzzzzzz_" +
	"________________________________oo_____________uu_______________" +
	"_____________aaiioouuuuuuuuuu_aaaa____ggkkoooo__j___gg__nnaa____" +
	"aaaaeeeeiiiioooorrrruuuusstt__hh______aaeeooooooooyy____________" +
	"________________"

const foldExtFirst, foldExtLast = 0x1E00, 0x1EFF

var foldExt = "" +
	"aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm" +
	"mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv" +
	"wwwwwwwwwwxxxxyyzzzzzzhtwy______aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee" +
	"eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy______"
